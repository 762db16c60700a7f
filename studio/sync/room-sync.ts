import { createStore } from 'zustand/vanilla';
import { bindPatch, openRoom, type NewCommand, type PeerPresence, type RoomConnection, type Role } from '../../plugins/sync/client';
import type { QueueCommand, RoomState } from '../../plugins/sync/protocol';
import { readRoomState } from '../../plugins/sync/room-state';
import type { Telemetry } from '../../runtime/telemetry/events';
import type { Online } from '../online';
import type { PatchStore } from '../state/patch-store';
import type { UiStore } from '../state/ui-store';
import { createTriggerRunner, isTriggerLeader } from '../../plugins/queue-trigger/client';
import { setParam } from '../state/patch-ops';
import { patchStoreTarget } from './patch-store-target';

export interface RoomSyncState {
  /** local: the patch lives in this browser only; joining: connecting to the room; room: live. */
  mode: 'local' | 'joining' | 'room';
  connection: RoomConnection | undefined;
  role: Role | undefined;
  /** The server-written room state (queue, now playing, active preset), as plain data. */
  roomState: RoomState | undefined;
  /** Everyone else in the room right now. */
  peers: PeerPresence[];
  /** Why the room could not be joined (shown beside the local mode). */
  error: string | undefined;
}

export interface RoomSyncDeps {
  roomId: string | undefined;
  online: Online;
  patch: PatchStore;
  ui: UiStore;
  telemetry: Telemetry;
  /** The patch this browser keeps for the room, shown again when leaving the live room. */
  restoreLocal(): void;
}

const COMMAND_NAMES: Record<QueueCommand['type'], string> = {
  add: 'Adding to the queue',
  remove: 'Removing from the queue',
  move: 'Moving in the queue',
  play_next: 'Play next',
  play_now: 'Play now',
  skip: 'Skip',
  clear: 'Clearing the queue',
  set_preset: 'Switching the preset',
};

/**
 * Whether this studio page is a live room or the local studio, and the live room's connection.
 * Live when signed in and the server knows the room (the Room button has loaded it); local for the
 * /studio page, for signed-out visitors and for rooms the server does not have.
 */
export function createRoomSync(deps: RoomSyncDeps) {
  const { online, patch, ui, telemetry } = deps;
  const store = createStore<RoomSyncState>(() => ({ mode: 'local', connection: undefined, role: undefined, roomState: undefined, peers: [], error: undefined }));
  let cleanup: Array<() => void> = [];
  let generation = 0;
  let lastRefusal = 0;

  /** `announce`: toast that the room is live (not when joining again after a role change, which has its own). */
  async function join(user: { id: string; name: string }, announce = true) {
    const mine = ++generation;
    store.setState({ mode: 'joining', error: undefined });
    let connection: RoomConnection;
    try {
      connection = await openRoom({
        roomId: deps.roomId!,
        http: { get: (path) => online.api.get(path), post: (path, body) => online.api.post(path, body), refresh: () => online.api.refresh() },
        principal: { kind: 'user', id: user.id, name: user.name },
        telemetry,
        onRejected: (command, _code, message) => ui.toast(`${COMMAND_NAMES[command.type]} was refused: ${message}`, 'error'),
        onBlocked: (failure) => ui.toast(`Queue changes are on hold: ${failure.message ?? 'the server refused them'}. They are kept and sent when you may again.`, 'error'),
      });
    } catch (error) {
      if (mine === generation) store.setState({ mode: 'local', error: `The live room could not start: ${(error as Error).message}` });
      return;
    }
    if (mine !== generation) return void connection.close();
    store.setState({ connection });
    // Refused by the sync server (a role taken away, or the room gone): ask the rooms API what changed.
    connection.status.subscribe((s, before) => {
      if (s.stopped === 'forbidden' && before.stopped !== 'forbidden' && mine === generation) void online.currentRoom.load();
    });
    let opened;
    try {
      opened = await connection.ready;
    } catch (error) {
      if (mine !== generation) return;
      void connection.close();
      // Nothing of the room was shown yet: the local patch is still on screen.
      store.setState({ mode: 'local', connection: undefined, error: `This room is not live: ${(error as Error).message}` });
      return;
    }
    if (mine !== generation) return;
    const { patch: handle, state, presence, role } = opened;
    // New node ids carry a piece of this peer's id: two performers adding an osc make two nodes.
    patch.setIdSuffix(connection.peerId.split(':')[2]!.slice(0, 4));
    const binding = bindPatch(handle, patchStoreTarget(patch), {
      readOnly: role === 'viewer',
      onRefused: () => {
        if (Date.now() - lastRefusal < 5000) return;
        lastRefusal = Date.now();
        ui.toast('You are watching this room: its patch can only be changed by its performers.', 'error');
      },
      onDropped: (dropped) => ui.toast(`Part of the room's patch could not be shown (${dropped.slice(0, 3).join(', ')}${dropped.length > 3 ? '…' : ''}).`, 'error'),
    });
    const readState = () => store.setState({ roomState: readRoomState(state.doc()) });
    state.on('change', readState);
    readState();
    // The server lists each member's role in the room state as soon as the owner changes it: a
    // different role for me there means the rooms API has news (it decides; `update` joins again).
    let askedFor: Role | undefined;
    const noteMyRole = () => {
      const listed = store.getState().roomState?.members?.[user.id]?.role;
      if (!listed || listed === role || listed === askedFor || mine !== generation) return;
      askedFor = listed;
      void online.currentRoom.load();
    };
    noteMyRole();
    const unsubscribers: Array<() => void> = [
      () => binding.close(),
      () => state.off('change', readState),
      store.subscribe((s, before) => s.roomState?.members !== before.roomState?.members && noteMyRole()),
    ];
    if (presence) {
      // Names and roles come from the server-written member list when it has the person: a
      // presence message's own claims are only trusted for what is not a right (what they edit).
      const publishPeers = () => {
        const members = store.getState().roomState?.members ?? {};
        const peers = Object.values(presence.getState().peers).map((p) => {
          const [kind, id] = p.principal.split(':');
          const member = kind === 'user' && id ? members[id] : undefined;
          return { ...p, name: member?.name ?? p.name, role: member?.role ?? 'viewer' };
        });
        store.setState({ peers });
      };
      unsubscribers.push(presence.subscribe(publishPeers));
      unsubscribers.push(store.subscribe((s, before) => s.roomState?.members !== before.roomState?.members && publishPeers()));
      unsubscribers.push(patch.subscribe((s, before) => s.selection !== before.selection && presence.setEditing(s.selection)));
      presence.setEditing(patch.getState().selection);
    }
    // Queue triggers run here, in the host page (never in the sandboxed renderer), in one studio of the room.
    const canEdit = role === 'owner' || role === 'performer';
    const triggers = createTriggerRunner({
      patch: () => patch.getState().patch,
      send: (command) => void api.send(command),
      // Not an undo step of this performer's: the history takes the trigger's value along.
      setParam: (nodeId, paramId, value) => patch.applyRemote(setParam(patch.getState().patch, nodeId, paramId, value), (p) => setParam(p, nodeId, paramId, value)),
      isLeader: () => isTriggerLeader(connection.peerId, canEdit, store.getState().peers),
    });
    const noteQueue = () => {
      const s = store.getState().roomState;
      if (s) triggers.noteQueue({ nowPlaying: s.nowPlaying ? { entryId: s.nowPlaying.entry.entryId } : null, queue: s.queue });
    };
    noteQueue();
    triggers.refresh();
    unsubscribers.push(store.subscribe((s, before) => s.roomState !== before.roomState && noteQueue()));
    unsubscribers.push(patch.subscribe((s, before) => s.patch !== before.patch && triggers.refresh()));
    unsubscribers.push(() => triggers.close());
    cleanup = unsubscribers;
    store.setState({ mode: 'room', role });
    if (announce) ui.toast(role === 'viewer' ? 'Watching this room live (read-only).' : 'Live: this room is shared with everyone in it.');
  }

  function leave(restore = true) {
    generation++;
    for (const c of cleanup) c();
    cleanup = [];
    const { connection, mode } = store.getState();
    void connection?.close();
    patch.setIdSuffix('');
    store.setState({ mode: 'local', connection: undefined, role: undefined, roomState: undefined, peers: [] });
    if (mode === 'room' && restore) deps.restoreLocal();
  }

  function update() {
    if (!deps.roomId) return;
    const account = online.account.getState();
    const room = online.currentRoom.getState();
    const want = account.status === 'signed-in' && account.user !== undefined && room.room !== undefined;
    const { mode, role } = store.getState();
    if (want && mode === 'local' && !store.getState().error) void join(account.user!);
    else if (!want && mode !== 'local') leave();
    else if (want && mode === 'room' && room.role !== undefined && room.role !== role) {
      // Promoted or demoted meanwhile: join again with the new rights (the patch stays on screen).
      ui.toast(room.role === 'viewer' ? 'You now watch this room (read-only).' : `You are now ${room.role === 'owner' ? 'the owner' : 'a performer'} in this room: you can patch.`);
      leave(false);
      void join(account.user!, false);
    }
  }

  const api = {
    ...store,
    start() {
      online.account.subscribe(update);
      online.currentRoom.subscribe(update);
      update();
    },
    /** Sends a queue command through the persistent outbox; false when not in a live room. */
    send(command: NewCommand): boolean {
      const connection = store.getState().connection;
      if (!connection || store.getState().mode !== 'room') return false;
      void connection.send(command).catch((error: unknown) => ui.toast(`The command could not be stored: ${(error as Error).message}`, 'error'));
      return true;
    },
    leave,
  };
  return api;
}

export type RoomSync = ReturnType<typeof createRoomSync>;
