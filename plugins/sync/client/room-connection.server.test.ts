import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createMemorySink, createTelemetry } from '../../../runtime/telemetry/events';
import { startTestServer, TestClient, type TestServer } from '../../../server/test-harness';
import { COMMANDS_PATH, SYNC_PATH } from '../protocol';
import { readRoomState } from '../room-state';
import { cookieHeader, createRoom, eventually, invite, seedMedia, signUp, type Person } from '../testing';
import { memoryOutboxStorage } from './outbox-storage';
import { connectRoom, type RoomConnection, type SyncHttp } from './room-connection';
import type { SocketLike } from './socket-adapter';

/**
 * The browser client (connectRoom) against the real sync server: what the studio and the player
 * do, over real WebSockets with the person's cookies.
 */
let server: TestServer;
const open: RoomConnection[] = [];
beforeAll(async () => {
  server = await startTestServer({ env: { REGISTER_PER_IP_PER_HOUR: '1000' } });
});
afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  await server.destroy();
});

function httpOf(who: TestClient, posted: unknown[] = []): SyncHttp {
  const answer = <T>(res: { status: number; body: any }): T => {
    if (res.status >= 400) throw Object.assign(new Error(res.body?.error?.message ?? `HTTP ${res.status}`), { status: res.status, code: res.body?.error?.code });
    return res.body as T;
  };
  return {
    get: async (path) => answer(await who.get(path)),
    post: async (path, body) => {
      posted.push(body);
      return answer(await who.post(path, body));
    },
  };
}

function connect(who: TestClient, principal: { kind: 'user' | 'guest'; id: string; name: string }, roomId: string, announce = true, onSocket?: () => void) {
  const memory = createMemorySink();
  const posted: Array<{ stateHeads?: string[] }> = [];
  const connection = connectRoom({
    roomId,
    http: httpOf(who, posted),
    principal,
    telemetry: createTelemetry(memory.sink),
    outboxStorage: memoryOutboxStorage(),
    url: server.url.replace(/^http/, 'ws') + SYNC_PATH,
    createSocket: (url) => {
      onSocket?.();
      return new WebSocket(url, { headers: { Cookie: cookieHeader(who), Origin: server.url } }) as unknown as SocketLike;
    },
    announce,
  });
  open.push(connection);
  return { connection, posted, events: (name: string) => memory.events().filter((e) => e.name === name) };
}

const user = (p: Person) => ({ kind: 'user' as const, id: p.id, name: p.name });

describe('room connection against the sync server', () => {
  it('a performer edits the patch and queues media; a guest in the public room follows and stays connected', async () => {
    const owner = await signUp(server.url, 'own');
    const performer = await signUp(server.url, 'perf');
    const roomId = await createRoom(owner, 'public');
    await invite(owner, roomId, performer, 'performer');
    const [clip] = await seedMedia(performer, 1);

    const a = connect(performer, user(performer), roomId);
    const guest = new TestClient(server.url);
    const g = await guest.post('/api/auth/guest');
    expect(g.status).toBeLessThan(300);
    const b = connect(guest, { kind: 'guest', id: g.body.guest.id, name: 'Guest' }, roomId, false);

    const { patch } = await a.connection.ready;
    const watched = await b.connection.ready;
    expect(watched.role).toBe('viewer');
    patch.change((d) => (d.nodes['osc1-test'] = { type: 'hydra-core/osc', params: { frequency: 12 }, x: 0, y: 0 }));
    await eventually(() => expect(watched.patch.doc().nodes['osc1-test']?.params.frequency).toBe(12));

    const id = await a.connection.send({ type: 'add', itemId: clip! });
    await eventually(() => expect(readRoomState(watched.state.doc())!.queue.map((e) => e.itemId)).toEqual([clip]));
    await eventually(() => expect(a.events('queue_cmd_applied').map((e) => e.correlation_id)).toEqual([id]));

    // Still connected a while later: nothing either client does gets it thrown out (automerge-repo
    // would relay the performer's presence back under the performer's name; the server closes that).
    await new Promise((r) => setTimeout(r, 1500));
    expect(a.connection.status.getState()).toMatchObject({ state: 'connected', stopped: undefined, pending: 0 });
    expect(b.connection.status.getState()).toMatchObject({ state: 'connected', stopped: undefined });
  });

  it('two performers see each other’s presence and what each edits, and stay connected', async () => {
    const owner = await signUp(server.url, 'own');
    const performer = await signUp(server.url, 'perf');
    const roomId = await createRoom(owner);
    await invite(owner, roomId, performer, 'performer');
    const a = connect(owner, user(owner), roomId);
    const b = connect(performer, user(performer), roomId);
    const [ra, rb] = await Promise.all([a.connection.ready, b.connection.ready]);
    ra.presence!.setEditing(['osc1']);
    await eventually(() => expect(Object.values(rb.presence!.getState().peers).map((p) => [p.name, p.editing])).toEqual([[owner.name, ['osc1']]]));
    await eventually(() => expect(Object.values(ra.presence!.getState().peers).map((p) => p.name)).toEqual([performer.name]));
    expect([a, b].map((c) => c.connection.status.getState().state)).toEqual(['connected', 'connected']);
  });

  it('back online with commands pending, the resend’s answer brings the room state with their results before the socket rejoins', async () => {
    const owner = await signUp(server.url, 'own');
    const performer = await signUp(server.url, 'perf');
    const roomId = await createRoom(owner);
    await invite(owner, roomId, performer, 'performer');
    const [clip1, clip2] = await seedMedia(owner, 2);
    const network = offlineSwitch();
    try {
      // What the document held each time a socket was made.
      const atSocket: Array<number | undefined> = [];
      let stateDoc: (() => unknown) | undefined;
      const a = connect(performer, user(performer), roomId, true, () => atSocket.push(readRoomState(stateDoc?.())?.seq));
      const { state } = await a.connection.ready;
      stateDoc = () => state.doc();
      await eventually(() => expect(a.connection.status.getState().state).toBe('connected'));
      // Connected, a command goes without heads: the socket's sync brings its result.
      await a.connection.send({ type: 'add', itemId: clip1! });
      await eventually(() => expect(a.connection.status.getState().pending).toBe(0));
      expect(a.posted.at(-1)).not.toHaveProperty('stateHeads');

      network.set(false);
      await eventually(() => expect(a.connection.status.getState().state).toBe('offline'));
      const id = await a.connection.send({ type: 'add', itemId: clip2! });
      expect(a.connection.status.getState().pending).toBe(1);
      // The room moves on meanwhile.
      expect((await owner.post(COMMANDS_PATH(roomId), { commands: [{ id: 'o1', type: 'add', itemId: clip1 }] })).body.results[0].status).toBe('ack');

      network.set(true);
      await eventually(() => expect(a.connection.status.getState()).toMatchObject({ state: 'connected', pending: 0 }));
      // The socket made on the way back found the state already holding both commands.
      expect(atSocket.at(-1)).toBe(3);
      expect(a.posted.at(-1)).toHaveProperty('stateHeads');
      expect(readRoomState(state.doc())!.queue.map((e) => e.itemId)).toEqual([clip1, clip1, clip2]);
      expect(a.events('queue_cmd_applied').map((e) => e.correlation_id)).toContain(id);
    } finally {
      network.restore();
    }
  });
});

/** The browser's network switch for the adapter (navigator.onLine and the online/offline events), which Node lacks. */
function offlineSwitch() {
  const target = new EventTarget();
  let online = true;
  const g = globalThis as Record<string, unknown>;
  const saved = { navigator: Object.getOwnPropertyDescriptor(globalThis, 'navigator'), add: g.addEventListener, remove: g.removeEventListener };
  Object.defineProperty(globalThis, 'navigator', { value: { get onLine() { return online; } }, configurable: true });
  g.addEventListener = target.addEventListener.bind(target);
  g.removeEventListener = target.removeEventListener.bind(target);
  return {
    set(next: boolean) {
      online = next;
      target.dispatchEvent(new Event(next ? 'online' : 'offline'));
    },
    restore() {
      if (saved.navigator) Object.defineProperty(globalThis, 'navigator', saved.navigator);
      else delete g.navigator;
      g.addEventListener = saved.add;
      g.removeEventListener = saved.remove;
    },
  };
}
