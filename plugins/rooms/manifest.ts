import { definePlugin } from '../../runtime/plugin/define';

/** Rooms, their members and roles (owner, performer, viewer), invite links. Server only. */
export const rooms = definePlugin({
  name: 'rooms',
  description: 'Rooms with members and roles, public or private, invite links carrying a role.',
  requires: ['auth'],
});
