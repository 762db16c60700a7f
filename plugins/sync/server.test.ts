import { join as joinPath } from 'node:path';
import { next as A } from '@automerge/automerge';
import { cbor, Repo } from '@automerge/automerge-repo';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startTestServer, type TestServer } from '../../server/test-harness';
import { CLOSE_CODES, COMMANDS_PATH, MAX_MESSAGE_BYTES, peerIdFor, ROOM_PRESET_PATH, SYNC_PATH, type PatchDoc, type RoomStateDoc } from './protocol';
import { docToPatch } from './patch-doc';
import { readRoomState } from './room-state';
import { AtomicFSStorageAdapter } from './server/storage';
import { cookieHeader, createRoom, eventually, invite, roomDocuments, seedMedia, signUp, syncClient, type Person, type SyncClient } from './testing';

let server: TestServer;
const clients: SyncClient[] = [];
beforeAll(async () => {
  server = await startTestServer({ env: { REGISTER_PER_IP_PER_HOUR: '1000' } });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.destroy();
});

const client = (who: Person, options?: Parameters<typeof syncClient>[2]) => {
  const c = syncClient(server.url, who, options);
  clients.push(c);
  return c;
};

async function team() {
  const owner = await signUp(server.url, 'own');
  const performer = await signUp(server.url, 'perf');
  const viewer = await signUp(server.url, 'view');
  const roomId = await createRoom(owner);
  await invite(owner, roomId, performer, 'performer');
  await invite(owner, roomId, viewer, 'viewer');
  const docs = await roomDocuments(owner, roomId);
  return { owner, performer, viewer, roomId, docs };
}

/** A raw WebSocket to /sync, resolving with how it ended. */
function rawSocket(headers: Record<string, string>, onOpen?: (ws: WebSocket) => void) {
  const ws = new WebSocket(server.url.replace(/^http/, 'ws') + SYNC_PATH, { headers });
  const ended = new Promise<{ code?: number; status?: number; reason?: string }>((resolve) => {
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    ws.on('error', () => {});
  });
  ws.on('open', () => onOpen?.(ws));
  return { ws, ended };
}

/**
 * A raw socket joined as `who`, offering sync messages for one document with the changes given (as
 * a client whose sync state does not know what the server has would): resolves with the answer.
 */
async function echoSocket(url: string, who: Person, documentId: string) {
  const me = peerIdFor({ kind: 'user', id: who.id }, 'echo');
  const ws = new WebSocket(url.replace(/^http/, 'ws') + SYNC_PATH, { headers: { Cookie: cookieHeader(who), Origin: url } });
  ws.on('error', () => {});
  const ended = new Promise<{ code: number }>((resolve) => ws.on('close', (code) => resolve({ code })));
  const next = () => new Promise<{ type: string; senderId: string }>((resolve) => ws.once('message', (data) => resolve(cbor.decode(data as Buffer))));
  await new Promise((resolve) => ws.once('open', resolve));
  ws.send(join(me));
  const peer = await next();
  return {
    ws,
    ended,
    offer(doc: A.Doc<unknown>, changes: Uint8Array[]) {
      const answer = next();
      ws.send(cbor.encode({ type: 'sync', senderId: me, targetId: peer.senderId, documentId, data: A.encodeSyncMessage({ heads: A.getHeads(doc), need: [], have: [], changes }) }));
      return answer;
    },
  };
}

const join = (peerId: string) => cbor.encode({ type: 'join', senderId: peerId, peerMetadata: {}, supportedProtocolVersions: ['1'] });

async function serverAlive() {
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
}

describe('sync: the handshake', () => {
  it('closes a socket without a session with 4401, and refuses other origins and unknown paths over HTTP', async () => {
    const { owner } = await team();
    expect(await rawSocket({ Origin: server.url }).ended).toMatchObject({ code: CLOSE_CODES.unauthenticated });
    expect(await rawSocket({ Origin: 'https://evil.example', Cookie: cookieHeader(owner) }).ended).toEqual({ status: 403 });
    expect(await rawSocket({ Origin: 'null', Cookie: cookieHeader(owner) }).ended).toEqual({ status: 403 });
    const unknown = new WebSocket(server.url.replace(/^http/, 'ws') + '/elsewhere', { headers: { Cookie: cookieHeader(owner) } });
    unknown.on('error', () => {});
    expect(await new Promise((resolve) => unknown.on('unexpected-response', (_q, res) => resolve(res.statusCode)))).toBe(404);
    expect(server.logs.some((line) => line.includes('upgrade_origin_refused'))).toBe(true);
    await serverAlive();
  });

  it('refuses a peer id naming someone else, and a second socket on a connected peer id', async () => {
    const { owner, performer } = await team();
    const spoofed = rawSocket({ Cookie: cookieHeader(performer), Origin: server.url }, (ws) => ws.send(join(peerIdFor({ kind: 'user', id: owner.id }, 'abc'))));
    expect((await spoofed.ended).code).toBe(CLOSE_CODES.peer_taken);

    const mine = peerIdFor({ kind: 'user', id: performer.id }, 'tab1');
    const first = rawSocket({ Cookie: cookieHeader(performer), Origin: server.url }, (ws) => ws.send(join(mine)));
    const answered = await new Promise<unknown>((resolve) => first.ws.once('message', (data) => resolve(cbor.decode(data as Buffer))));
    expect(answered).toMatchObject({ type: 'peer', targetId: mine });
    const second = rawSocket({ Cookie: cookieHeader(performer), Origin: server.url }, (ws) => ws.send(join(mine)));
    expect((await second.ended).code).toBe(CLOSE_CODES.peer_taken);
    expect(first.ws.readyState).toBe(WebSocket.OPEN);
    first.ws.close();
  });
});

describe('sync: documents', () => {
  it('syncs the patch between performers and refuses a viewer who writes, leaving the document unchanged', async () => {
    const { owner, performer, viewer, docs } = await team();
    expect(docs).toMatchObject({ role: 'owner', patchDocId: expect.any(String), stateDocId: expect.any(String) });
    expect((await roomDocuments(viewer, docs.roomId)).role).toBe('viewer');

    const a = client(owner);
    const b = client(performer);
    const ha = await a.find<PatchDoc>(docs.patchDocId);
    const hb = await b.find<PatchDoc>(docs.patchDocId);
    ha.change((d) => {
      d.nodes.n1 = { type: 'hydra-core/osc', params: { frequency: 10 }, x: 0, y: 0 };
    });
    hb.change((d) => {
      d.nodes.n2 = { type: 'hydra-core/noise', params: {}, x: 100, y: 0 };
    });
    await eventually(() => expect(Object.keys(ha.doc().nodes).sort()).toEqual(['n1', 'n2']));
    await eventually(() => expect(Object.keys(hb.doc().nodes).sort()).toEqual(['n1', 'n2']));

    const v = client(viewer, { retryMs: 60_000 });
    const hv = await v.find<PatchDoc>(docs.patchDocId);
    await eventually(() => expect(Object.keys(hv.doc().nodes).sort()).toEqual(['n1', 'n2']));
    const closed = new Promise<number>((resolve) => v.adapter.socket!.addEventListener('close', (e) => resolve(e.code)));
    hv.change((d) => {
      d.name = 'hacked';
    });
    expect(await closed).toBe(CLOSE_CODES.forbidden);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(ha.doc().name).toBeUndefined();
    expect(server.logs.some((line) => line.includes('"security"') && line.includes('patch document this viewer may only read'))).toBe(true);
  });

  it('refuses writes to the room-state document from everyone, owner included', async () => {
    const { owner, docs } = await team();
    const a = client(owner, { retryMs: 60_000 });
    const state = await a.find<RoomStateDoc>(docs.stateDocId);
    expect(readRoomState(state.doc())).toMatchObject({ roomId: docs.roomId, queue: [], seq: 0, members: { [owner.id]: { role: 'owner' } } });
    const closed = new Promise<number>((resolve) => a.adapter.socket!.addEventListener('close', (e) => resolve(e.code)));
    state.change((d) => {
      d.seq = 99;
    });
    expect(await closed).toBe(CLOSE_CODES.forbidden);
    const fresh = client(owner);
    const again = await fresh.find<RoomStateDoc>(docs.stateDocId);
    expect(readRoomState(again.doc())!.seq).toBe(0);
  });

  it('lets a reader send back room-state changes the server already holds (as after a command answer), and still refuses new ones', async () => {
    const { owner, viewer, docs } = await team();
    const [clip] = await seedMedia(owner, 1);
    expect((await owner.post(COMMANDS_PATH(docs.roomId), { commands: [{ id: 'e1', type: 'add', itemId: clip }] })).body.results[0].status).toBe('ack');
    const copy = await client(viewer).find<RoomStateDoc>(docs.stateDocId);
    await eventually(() => expect(readRoomState(copy.doc())!.seq).toBe(1));
    const held = A.clone(copy.doc());

    const socket = await echoSocket(server.url, viewer, docs.stateDocId);
    expect(await socket.offer(held, A.getAllChanges(held))).toMatchObject({ type: 'sync', documentId: docs.stateDocId });
    expect(socket.ws.readyState).toBe(WebSocket.OPEN);

    const forged = A.change(A.clone(held), (d) => {
      d.seq = 99;
    });
    void socket.offer(forged, [A.getLastLocalChange(forged)!]);
    expect(await socket.ended).toMatchObject({ code: CLOSE_CODES.forbidden });
    // Each such check copies the document: a socket that keeps sending changes back is cut off.
    const flood = await echoSocket(server.url, viewer, docs.stateDocId);
    for (let i = 0; i < 9; i++) void flood.offer(held, A.getAllChanges(held));
    expect(await flood.ended).toMatchObject({ code: CLOSE_CODES.forbidden });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(readRoomState(copy.doc())!.seq).toBe(1);
    const fresh = await client(owner).find<RoomStateDoc>(docs.stateDocId);
    expect(readRoomState(fresh.doc())!.seq).toBe(1);
  });

  it('refuses documents of rooms the user is not in', async () => {
    const { docs } = await team();
    const stranger = await signUp(server.url, 'str');
    expect((await stranger.get(`/api/sync/rooms/${docs.roomId}`)).status).toBe(403);
    const s = client(stranger, { retryMs: 60_000 });
    await s.connected;
    const closed = new Promise<number>((resolve) => s.adapter.socket!.addEventListener('close', (e) => resolve(e.code)));
    void s.repo.find(docs.patchDocId as never).catch(() => undefined);
    expect(await closed).toBe(CLOSE_CODES.forbidden);
  });

  it('answers 404 for a room that does not exist, and opens the demo room (no members) to everyone', async () => {
    const someone = await signUp(server.url, 'demo');
    expect((await someone.get('/api/sync/rooms/no-such-room')).status).toBe(404);
    const demo = await roomDocuments(someone, 'demo');
    expect(demo).toMatchObject({ roomId: 'demo', role: 'performer' });
    // It starts from a starter patch, so /play/demo shows something on a fresh install.
    const c = client(someone);
    await c.connected;
    const patch = (await (await c.repo.find<PatchDoc>(demo.patchDocId as never)).doc()) as PatchDoc;
    const shown = docToPatch(patch).patch;
    expect(shown.nodes.map((n) => n.type)).toContain('hydra-core/out');
    expect(shown.edges.length).toBeGreaterThan(0);
  });

  it('stops sharing with a member whose role was removed', async () => {
    const { owner, performer, docs } = await team();
    const a = client(owner);
    const b = client(performer, { retryMs: 60_000 });
    const ha = await a.find<PatchDoc>(docs.patchDocId);
    const hb = await b.find<PatchDoc>(docs.patchDocId);
    await eventually(() => expect(hb.doc()).toBeDefined());
    const closed = new Promise<number>((resolve) => b.adapter.socket!.addEventListener('close', (e) => resolve(e.code)));
    expect((await owner.request('DELETE', `/api/rooms/${docs.roomId}/members/${performer.id}`)).status).toBe(204);
    ha.change((d) => {
      d.name = 'after removal';
    });
    expect(await closed).toBe(CLOSE_CODES.forbidden);
    expect(hb.doc().name).toBeUndefined();
  });
});

describe('sync: members and roles', () => {
  it('lists a new role, a new member and a removed member in the room state at once, and takes a promoted viewer’s edits on the same socket', async () => {
    const { owner, performer, viewer, roomId, docs } = await team();
    const a = client(owner);
    const v = client(viewer, { retryMs: 60_000 });
    const state = await a.find<RoomStateDoc>(docs.stateDocId);
    const patchA = await a.find<PatchDoc>(docs.patchDocId);
    const patchV = await v.find<PatchDoc>(docs.patchDocId);
    await eventually(() => expect(readRoomState(state.doc())?.members?.[viewer.id]?.role).toBe('viewer'));
    await eventually(() => expect(patchV.doc()).toBeDefined());
    let closedWith: number | undefined;
    v.adapter.socket!.addEventListener('close', (e) => (closedWith = e.code));

    expect((await owner.request('PATCH', `/api/rooms/${roomId}/members/${viewer.id}`, { body: { role: 'performer' } })).status).toBe(200);
    await eventually(() => expect(readRoomState(state.doc())!.members[viewer.id]!.role).toBe('performer'));
    patchV.change((d) => {
      d.name = 'by the promoted viewer';
    });
    await eventually(() => expect(patchA.doc()!.name).toBe('by the promoted viewer'));
    expect(closedWith).toBeUndefined();

    const newcomer = await signUp(server.url, 'late');
    await invite(owner, roomId, newcomer, 'viewer');
    await eventually(() => expect(readRoomState(state.doc())!.members[newcomer.id]).toMatchObject({ role: 'viewer', name: newcomer.name }));
    expect((await owner.request('DELETE', `/api/rooms/${roomId}/members/${performer.id}`)).status).toBe(204);
    await eventually(() => expect(readRoomState(state.doc())!.members[performer.id]).toBeUndefined());
  });
});

describe('sync: reconnecting', () => {
  it('gives a client that reconnects with the same peer id what it missed while away', async () => {
    const { owner, performer, docs } = await team();
    const [clip] = await seedMedia(owner, 1);
    const p = client(performer, { retryMs: 100 });
    const state = await p.find<RoomStateDoc>(docs.stateDocId);
    for (let i = 0; i < 3; i++) {
      const socket = p.adapter.socket as unknown as { close(): void; terminate(): void };
      if (i % 2) socket.terminate();
      else socket.close();
      const answer = await owner.post(COMMANDS_PATH(docs.roomId), { commands: [{ id: `r${i}`, type: 'add', itemId: clip }] });
      await eventually(() => expect(readRoomState(state.doc())!.seq).toBe(answer.body.results[0].seq), 5000);
    }
    expect(readRoomState(state.doc())!.queue).toHaveLength(3);
  });
});

describe('sync: ephemeral messages', () => {
  it('relays presence from its sender, and leaves aside (without closing) presence relayed back under another name', async () => {
    const { owner, performer, docs } = await team();
    const a = client(owner);
    const b = client(performer);
    const ha = await a.find<PatchDoc>(docs.patchDocId);
    const hb = await b.find<PatchDoc>(docs.patchDocId);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const heard: Array<{ senderId: string; message: unknown }> = [];
    hb.on('ephemeral-message', ({ senderId, message }) => heard.push({ senderId, message }));
    ha.broadcast({ kind: 'presence', name: owner.name, role: 'owner', editing: ['n1'], at: 1 });
    await eventually(() => expect(heard).toEqual([{ senderId: a.peerId, message: expect.objectContaining({ kind: 'presence', editing: ['n1'] }) }]));
    // b's stock automerge-repo client relays a's presence back to the server under a's peer id: b stays connected.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(b.adapter.socket!.readyState).toBe(WebSocket.OPEN);
    hb.change((d) => {
      d.name = 'still here';
    });
    await eventually(() => expect(ha.doc().name).toBe('still here'));
  });
});

describe('sync: whatever a client sends, the server stays up', () => {
  it('closes on malformed, unknown and oversized messages and on floods', async () => {
    const { owner } = await team();
    const headers = { Cookie: cookieHeader(owner), Origin: server.url };
    const me = (tag: string) => peerIdFor({ kind: 'user', id: owner.id }, tag);
    const cases: Array<[string, (ws: WebSocket) => void, number]> = [
      ['not CBOR', (ws) => ws.send(Buffer.from([0xff, 0xfe, 0x00, 0x1c])), CLOSE_CODES.malformed],
      ['CBOR null', (ws) => ws.send(cbor.encode(null)), CLOSE_CODES.malformed],
      ['text frame', (ws) => ws.send('hello'), CLOSE_CODES.malformed],
      ['sync before join', (ws) => ws.send(cbor.encode({ type: 'sync', senderId: me('a'), targetId: 'patchroom-server', documentId: 'x', data: new Uint8Array([1]) })), CLOSE_CODES.malformed],
      [
        'bad sync data',
        (ws) => {
          ws.send(join(me('b')));
          ws.once('message', () => ws.send(cbor.encode({ type: 'sync', senderId: me('b'), targetId: 'patchroom-server', documentId: 'nope', data: new Uint8Array([1, 2]) })));
        },
        CLOSE_CODES.forbidden,
      ],
      ['oversized', (ws) => ws.send(Buffer.alloc(MAX_MESSAGE_BYTES + 1)), CLOSE_CODES.too_large],
      [
        'flood',
        (ws) => {
          ws.send(join(me('c')));
          for (let i = 0; i < 3000; i++) ws.send(cbor.encode({ type: 'remote-subscription-change', senderId: me('c'), targetId: 'patchroom-server' }));
        },
        CLOSE_CODES.rate_limited,
      ],
    ];
    for (const [name, send, code] of cases) {
      const { ended } = rawSocket(headers, send);
      expect({ name, code: (await ended).code }).toEqual({ name, code });
    }
    await serverAlive();
  });

  it('refuses undecodable sync data for a real document without harm to the document', async () => {
    const { owner, docs } = await team();
    const a = client(owner);
    const ha = await a.find<PatchDoc>(docs.patchDocId);
    const me = peerIdFor({ kind: 'user', id: owner.id }, 'raw');
    const { ended } = rawSocket({ Cookie: cookieHeader(owner), Origin: server.url }, (ws) => {
      ws.send(join(me));
      ws.once('message', () => ws.send(cbor.encode({ type: 'sync', senderId: me, targetId: 'patchroom-server', documentId: docs.patchDocId, data: new Uint8Array([0x42, 1, 2, 3]) })));
    });
    expect((await ended).code).toBe(CLOSE_CODES.malformed);
    ha.change((d) => {
      d.name = 'still fine';
    });
    const b = client(owner);
    const hb = await b.find<PatchDoc>(docs.patchDocId);
    await eventually(() => expect(hb.doc().name).toBe('still fine'));
  });
});

describe('sync: the room\'s preset', () => {
  it('gives everyone in the room the preset it shows, guests too, and nobody outside it', async () => {
    const owner = await signUp(server.url, 'pre');
    const roomId = await createRoom(owner, 'public');
    const patch = { version: 1, nodes: [{ id: 'a', type: 'hydra-core/osc' }, { id: 'o', type: 'hydra-core/out' }], edges: [{ from: { node: 'a', port: 'out' }, to: { node: 'o', port: 'in' } }] };
    const saved = await owner.post('/api/library/presets', { kind: 'patch', title: 'Saved set', patch });
    expect(saved.status).toBe(201);
    await roomDocuments(owner, roomId);
    const guest = server.client();
    expect((await guest.post('/api/auth/guest')).status).toBe(201);
    // Guests may not browse the library…
    expect((await guest.get(`/api/library/items/${saved.body.item.id}`)).status).toBe(401);
    expect((await guest.get(ROOM_PRESET_PATH(roomId))).body).toEqual({ preset: null });
    await owner.post(COMMANDS_PATH(roomId), { commands: [{ id: 'show', type: 'set_preset', presetId: saved.body.item.id }] });
    // …but they see what the room shows.
    const shown = await guest.get(ROOM_PRESET_PATH(roomId));
    expect(shown.body.preset).toMatchObject({ id: saved.body.item.id, title: 'Saved set', presetKind: 'patch', patch: { version: 1, nodes: [{ id: 'a' }, { id: 'o' }] } });

    const privateRoom = await createRoom(owner, 'private');
    await roomDocuments(owner, privateRoom);
    expect((await guest.get(ROOM_PRESET_PATH(privateRoom))).status).toBe(403);
  });
});

describe('sync: queue commands', () => {
  it('applies each command id once, answers a resend with the first answer, and mirrors the queue into the room state', async () => {
    const { owner, performer, viewer, docs } = await team();
    const [clip1, clip2] = await seedMedia(owner, 2);
    const path = COMMANDS_PATH(docs.roomId);
    const first = await performer.post(path, {
      commands: [
        { id: 'c1', type: 'add', itemId: clip1 },
        { id: 'c2', type: 'add', itemId: clip2 },
        { id: 'c3', type: 'add', itemId: 'm_missing' },
      ],
    });
    expect(first.body.results).toEqual([
      { id: 'c1', status: 'ack', seq: 1 },
      { id: 'c2', status: 'ack', seq: 2 },
      { id: 'c3', status: 'rejected', code: 'unknown_item', message: expect.any(String) },
    ]);
    const again = await performer.post(path, { commands: [{ id: 'c1', type: 'add', itemId: clip1 }] });
    expect(again.body.results).toEqual([{ id: 'c1', status: 'ack', seq: 1 }]);

    const viewed = await viewer.post(path, { commands: [{ id: 'v1', type: 'clear' }] });
    expect(viewed.body.results).toEqual([{ id: 'v1', status: 'rejected', code: 'forbidden', message: expect.any(String) }]);

    const v = client(viewer);
    const state = await v.find<RoomStateDoc>(docs.stateDocId);
    await eventually(() => expect(readRoomState(state.doc())!.queue.map((e) => e.itemId)).toEqual([clip1, clip2]));
    const [e1, e2] = readRoomState(state.doc())!.queue;
    const moved = await owner.post(path, {
      commands: [
        { id: 'm1', type: 'move', entryId: e1!.entryId, after: e2!.entryId },
        { id: 'p1', type: 'play_now', entryId: e2!.entryId },
      ],
    });
    expect(moved.body.results.map((r: { status: string }) => r.status)).toEqual(['ack', 'ack']);
    // Two people skip the same entry at once: it is skipped once.
    const skips = await Promise.all([owner, performer].map((who, i) => who.post(path, { commands: [{ id: `s${i}`, type: 'skip', entryId: e2!.entryId }] })));
    expect(skips.map((s) => s.body.results[0].status).sort()).toEqual(['ack', 'rejected']);
    expect(skips.map((s) => s.body.results[0].code).filter(Boolean)).toEqual(['not_playing']);
    await eventually(() => expect(readRoomState(state.doc())).toMatchObject({ seq: 5, queue: [], nowPlaying: { entry: { entryId: e1!.entryId } } }));
    expect((await performer.post(path, { commands: [] })).status).toBe(400);
  });

  it('answers a request naming its room-state heads with the changes that copy lacks, results included', async () => {
    const { owner, performer, viewer, docs } = await team();
    const [clip1, clip2] = await seedMedia(owner, 2);
    const path = COMMANDS_PATH(docs.roomId);
    // A copy of the room state, as a client holds it, then left behind while the queue moves on.
    const v = client(viewer);
    const copy = await v.find<RoomStateDoc>(docs.stateDocId);
    const behind = A.clone(copy.doc());
    expect((await owner.post(path, { commands: [{ id: 'o1', type: 'add', itemId: clip1 }] })).body.results[0].status).toBe('ack');

    const answer = await performer.post(path, { commands: [{ id: 'p1', type: 'add', itemId: clip2 }], stateHeads: A.getHeads(behind) });
    expect(answer.body.results).toEqual([{ id: 'p1', status: 'ack', seq: 2 }]);
    const caughtUp = A.loadIncremental(behind, Buffer.from(answer.body.state, 'base64'));
    expect(readRoomState(caughtUp)).toMatchObject({ seq: 2, queue: [{ itemId: clip1 }, { itemId: clip2 }] });

    // Up to date already, or heads this document never had: no state in the answer (the socket syncs).
    const current = await performer.post(path, { commands: [{ id: 'p1', type: 'add', itemId: clip2 }], stateHeads: A.getHeads(caughtUp) });
    expect(current.body).toEqual({ results: [{ id: 'p1', status: 'ack', seq: 2 }] });
    const stranger = await performer.post(path, { commands: [{ id: 'p1', type: 'add', itemId: clip2 }], stateHeads: ['ab'.repeat(32)] });
    expect(stranger.body).toEqual({ results: [{ id: 'p1', status: 'ack', seq: 2 }] });
    // A viewer's commands are refused, but it may read the room: its answer carries the state too.
    const viewed = await viewer.post(path, { commands: [{ id: 'v1', type: 'clear' }], stateHeads: A.getHeads(behind) });
    expect(viewed.body.results[0]).toMatchObject({ status: 'rejected', code: 'forbidden' });
    expect(readRoomState(A.loadIncremental(A.clone(behind), Buffer.from(viewed.body.state, 'base64')))!.seq).toBe(2);
    // Malformed heads: a clear 400, nothing applied.
    for (const stateHeads of ['x', [], ['nothex'], Array(17).fill('ab'.repeat(32))]) {
      const bad = await performer.post(path, { commands: [{ id: 'p2', type: 'clear' }], stateHeads });
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatchObject({ code: 'invalid_input', message: expect.stringContaining('stateHeads') });
    }
    expect((await performer.post(path, { commands: [{ id: 'p3', type: 'add', itemId: clip1 }] })).body.results).toEqual([{ id: 'p3', status: 'ack', seq: 3 }]);
  });
});

describe('sync: idle documents', () => {
  it('judges changes a reader sends back to an unloaded room-state document once it has loaded it', async () => {
    const idle = await startTestServer({ env: { REGISTER_PER_IP_PER_HOUR: '1000', SYNC_UNLOAD_IDLE_MS: '600' } });
    try {
      const owner = await signUp(idle.url, 'own');
      const viewer = await signUp(idle.url, 'view');
      const roomId = await createRoom(owner);
      await invite(owner, roomId, viewer, 'viewer');
      const [clip] = await seedMedia(owner, 1);
      const docs = await roomDocuments(owner, roomId);
      expect((await owner.post(COMMANDS_PATH(roomId), { commands: [{ id: 'u1', type: 'add', itemId: clip }] })).body.results[0].status).toBe('ack');
      const reader = syncClient(idle.url, viewer, { retryMs: 60_000 });
      const copy = await reader.find<RoomStateDoc>(docs.stateDocId);
      await eventually(() => expect(readRoomState(copy.doc())!.seq).toBe(1));
      const held = A.clone(copy.doc());
      await reader.close();
      await eventually(() => expect(idle.logs.some((line) => line.includes('documents unloaded') && line.includes(docs.stateDocId))).toBe(true), 10_000, 100);

      const socket = await echoSocket(idle.url, viewer, docs.stateDocId);
      expect(await socket.offer(held, A.getAllChanges(held))).toMatchObject({ type: 'sync', documentId: docs.stateDocId });
      expect(socket.ws.readyState).toBe(WebSocket.OPEN);
      socket.ws.close();
    } finally {
      await idle.destroy();
    }
  });

  it('unloads a room nobody has open once it is idle, keeps an open one, and loads the unloaded one intact when it is used again', async () => {
    const idle = await startTestServer({ env: { REGISTER_PER_IP_PER_HOUR: '1000', SYNC_UNLOAD_IDLE_MS: '600' } });
    const own: SyncClient[] = [];
    const connect = (who: Person) => {
      const c = syncClient(idle.url, who, { retryMs: 60_000 });
      own.push(c);
      return c;
    };
    const unloaded = () =>
      idle.logs
        .map((line) => JSON.parse(line) as { msg: string; doc_ids?: string[] })
        .filter((entry) => entry.msg === 'documents unloaded')
        .flatMap((entry) => entry.doc_ids ?? []);
    try {
      const owner = await signUp(idle.url, 'own');
      const performer = await signUp(idle.url, 'perf');
      const quietRoom = await createRoom(owner);
      const busyRoom = await createRoom(owner);
      await invite(owner, quietRoom, performer, 'performer');
      await invite(owner, busyRoom, performer, 'performer');
      const [clip] = await seedMedia(owner, 1);
      const quiet = await roomDocuments(owner, quietRoom);
      const busy = await roomDocuments(owner, busyRoom);

      // A performer keeps the busy room open (and says nothing); the owner edits the quiet room and leaves.
      const keeper = connect(performer);
      await keeper.find<PatchDoc>(busy.patchDocId);
      const a = connect(owner);
      const patch = await a.find<PatchDoc>(quiet.patchDocId);
      patch.change((d) => {
        d.name = 'before the pause';
      });
      expect((await owner.post(COMMANDS_PATH(quietRoom), { commands: [{ id: 'q1', type: 'add', itemId: clip }] })).body.results[0].status).toBe('ack');
      const state = await a.find<RoomStateDoc>(quiet.stateDocId);
      await eventually(() => expect(readRoomState(state.doc())).toMatchObject({ seq: 1, queue: [{ itemId: clip }] }));
      // The edit reached the server (another client has it) before everyone leaves.
      const watcher = connect(owner);
      const watched = await watcher.find<PatchDoc>(quiet.patchDocId);
      await eventually(() => expect(watched.doc().name).toBe('before the pause'));
      for (const leaving of [a, watcher]) {
        own.splice(own.indexOf(leaving), 1);
        await leaving.close();
      }

      await eventually(() => expect(unloaded()).toEqual(expect.arrayContaining([quiet.patchDocId, quiet.stateDocId])), 10_000);
      // Well past the idle time, the room with a client in it is still loaded.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(unloaded()).not.toContain(busy.patchDocId);

      // Used again: everything is there, and it syncs and takes commands as before.
      const b = connect(performer);
      const again = await b.find<PatchDoc>(quiet.patchDocId);
      expect(again.doc().name).toBe('before the pause');
      const stateAgain = await b.find<RoomStateDoc>(quiet.stateDocId);
      await eventually(() => expect(readRoomState(stateAgain.doc())).toMatchObject({ seq: 1, queue: [{ itemId: clip }] }));
      expect((await performer.post(COMMANDS_PATH(quietRoom), { commands: [{ id: 'q2', type: 'add', itemId: clip }] })).body.results).toEqual([{ id: 'q2', status: 'ack', seq: 2 }]);
      await eventually(() => expect(readRoomState(stateAgain.doc())!.queue).toHaveLength(2));
      const c = connect(owner);
      const seenByC = await c.find<PatchDoc>(quiet.patchDocId);
      again.change((d) => {
        d.name = 'after the pause';
      });
      await eventually(() => expect(seenByC.doc().name).toBe('after the pause'));
      expect(idle.logs.filter((line) => /"level":"error"/.test(line))).toEqual([]);
    } finally {
      await Promise.all(own.map((c) => c.close()));
      await idle.destroy();
    }
  });
});

describe('sync: shutdown and restart', () => {
  const RESTART_ENV = { REGISTER_PER_IP_PER_HOUR: '1000' };

  /** A server of its own (to stop and restart on its data), with an owner, a room and one clip. */
  async function serverWithRoom() {
    const first = await startTestServer({ env: RESTART_ENV });
    const owner = await signUp(first.url, 'own');
    const roomId = await createRoom(owner);
    const [clip] = await seedMedia(owner, 1);
    return { first, owner, roomId, clip: clip!, docs: await roomDocuments(owner, roomId) };
  }

  /** The same signed-in person talking to another server (the restarted one). */
  function sameSession(who: Person, url: string): Person {
    const again = new (who.constructor as new (base: string) => Person)(url);
    for (const [name, cookie] of who.cookies) again.cookies.set(name, cookie);
    return Object.assign(again, { id: who.id, name: who.name });
  }

  it('closes sockets with 1001 at shutdown and keeps every change and queue entry across a restart', async () => {
    const { first, owner, roomId, clip, docs } = await serverWithRoom();
    const a = syncClient(first.url, owner, { retryMs: 60_000 });
    const patch = await a.find<PatchDoc>(docs.patchDocId);
    patch.change((d) => {
      d.name = 'kept';
    });
    const watcher = syncClient(first.url, owner, { retryMs: 60_000 });
    const seen = await watcher.find<PatchDoc>(docs.patchDocId);
    await eventually(() => expect(seen.doc().name).toBe('kept'));
    expect((await owner.post(COMMANDS_PATH(roomId), { commands: [{ id: 'k1', type: 'add', itemId: clip }] })).body.results[0].status).toBe('ack');
    const closed = new Promise<number>((resolve) => a.adapter.socket!.addEventListener('close', (e) => resolve(e.code)));
    await first.close();
    expect(await closed).toBe(CLOSE_CODES.going_away);
    await Promise.all([a.close(), watcher.close()]);

    const second = await startTestServer({ env: RESTART_ENV, dataDir: first.dataDir });
    try {
      const again = sameSession(owner, second.url);
      const b = syncClient(second.url, again);
      clients.push(b);
      expect((await b.find<PatchDoc>(docs.patchDocId)).doc().name).toBe('kept');
      const state = await b.find<RoomStateDoc>(docs.stateDocId);
      expect(readRoomState(state.doc())).toMatchObject({ seq: 1, queue: [{ itemId: clip }] });
      expect((await again.post(COMMANDS_PATH(roomId), { commands: [{ id: 'k1', type: 'add', itemId: clip }] })).body.results).toEqual([{ id: 'k1', status: 'ack', seq: 1 }]);
    } finally {
      await second.destroy();
    }
  });

  it('reads a room-state document an older version wrote (maps of text) and rewrites it in the current format', async () => {
    const { first, owner, roomId, clip, docs } = await serverWithRoom();
    const a = syncClient(first.url, owner, { retryMs: 60_000 });
    const seen = await a.find<RoomStateDoc>(docs.stateDocId);
    const send = async (...commands: object[]) => expect((await owner.post(COMMANDS_PATH(roomId), { commands })).body.results.every((r: { status: string }) => r.status === 'ack')).toBe(true);
    await send({ id: 'o1', type: 'add', itemId: clip }, { id: 'o2', type: 'add', itemId: clip });
    await eventually(() => expect(readRoomState(seen.doc())?.queue).toHaveLength(2));
    await send({ id: 'o3', type: 'play_now', entryId: readRoomState(seen.doc())!.queue[0]!.entryId });
    await eventually(() => expect(readRoomState(seen.doc())?.seq).toBe(3));
    const before = readRoomState(seen.doc())!;
    expect(before).toMatchObject({ queue: [{ itemId: clip }], nowPlaying: { entry: { itemId: clip } }, members: { [owner.id]: { role: 'owner' } } });
    await a.close();
    await first.close();
    // What format 1 stored: every value as plain strings in maps, which Automerge keeps as text.
    const storage = new AtomicFSStorageAdapter(joinPath(first.dataDir, 'sync', 'automerge'));
    const repo = new Repo({ storage });
    const old = await repo.find<Record<string, unknown>>(docs.stateDocId as never);
    old.change((d) => {
      delete d.format;
      Object.assign(d, { roomId: before.roomId, queue: before.queue, nowPlaying: before.nowPlaying, activePreset: before.activePreset, members: before.members });
    });
    expect(old.doc().format).toBeUndefined();
    await repo.flush();
    await repo.shutdown();

    const second = await startTestServer({ env: RESTART_ENV, dataDir: first.dataDir });
    try {
      const b = syncClient(second.url, sameSession(owner, second.url));
      clients.push(b);
      const state = await b.find<RoomStateDoc>(docs.stateDocId);
      await eventually(() => expect(state.doc().format).toBe(2));
      expect(readRoomState(state.doc())).toEqual(before);
      expect(typeof state.doc().queue[0]).toBe('object'); // an immutable string, not text
    } finally {
      await second.destroy();
    }
  });

  it('brings a room-state document that missed a committed command in line with SQLite when a client comes to the room', async () => {
    const { first, owner, roomId, clip, docs } = await serverWithRoom();
    expect((await owner.post(COMMANDS_PATH(roomId), { commands: [{ id: 'a1', type: 'add', itemId: clip }] })).body.results[0].status).toBe('ack');
    const a = syncClient(first.url, owner, { retryMs: 60_000 });
    const seen = await a.find<RoomStateDoc>(docs.stateDocId);
    await eventually(() => expect(readRoomState(seen.doc())).toMatchObject({ seq: 1, queue: [{ itemId: clip }] }));
    await a.close();
    await first.close();
    // A server killed between a commit and the document's update: SQLite has a "clear" the document lacks.
    const db = new Database(joinPath(first.dataDir, 'patchroom.db'));
    db.prepare("UPDATE sync_rooms SET seq = 2, queue = '[]' WHERE room_id = ?").run(roomId);
    db.close();

    const second = await startTestServer({ env: RESTART_ENV, dataDir: first.dataDir });
    try {
      const again = sameSession(owner, second.url);
      const b = syncClient(second.url, again);
      clients.push(b);
      const state = await b.find<RoomStateDoc>(docs.stateDocId);
      await eventually(() => expect(readRoomState(state.doc())).toMatchObject({ seq: 2, queue: [] }));
      expect(second.logs.some((line) => line.includes('room state document was behind the queue'))).toBe(true);
    } finally {
      await second.destroy();
    }
  });
});
