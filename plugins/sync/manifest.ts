import { definePlugin } from '../../runtime/plugin/define';

/** Rooms synced live: Automerge documents over a WebSocket, and the room's queue commands. */
export const sync = definePlugin({
  name: 'sync',
  description: "Each room's patch and state as Automerge documents, synced over /sync; queue commands applied exactly once.",
  requires: ['auth', 'rooms', 'library'],
});
