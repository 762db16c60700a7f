import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Repo, type PeerId } from '@automerge/automerge-repo';
import { NodeWSServerAdapter } from '@automerge/automerge-repo-network-websocket';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { createMemorySink, createTelemetry } from '../../../runtime/telemetry/events';
import type { CommandsResponse, PatchDoc, QueueCommand, RoomDocuments, RoomStateDoc } from '../protocol';
import { memoryOutboxStorage } from './outbox-storage';
import { connectRoom, type RoomConnection, type SyncHttp } from './room-connection';
import type { SocketLike } from './socket-adapter';

/**
 * The client against a plain automerge-repo server over real WebSockets (the room server's own
 * tests cover auth and roles): loading, live changes, reconnecting after the socket dies, and the
 * socket telemetry. The HTTP side is a stand-in that writes results into the room state.
 */
async function startServer() {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await once(wss, 'listening');
  const repo = new Repo({ network: [new NodeWSServerAdapter(wss as never)], peerId: 'server' as PeerId, sharePolicy: async () => false });
  // The server repo listens only after reading its storage id (RECIPES.md).
  while (wss.listenerCount('connection') === 0) await new Promise((r) => setTimeout(r, 10));
  const patch = repo.create<PatchDoc>({ version: 1, nodes: { osc1: { type: 'hydra-core/osc', params: { frequency: 10 }, x: 0, y: 0 } }, edges: {} });
  const state = repo.create<RoomStateDoc>({ roomId: 'r1', queue: [], nowPlaying: null, activePreset: null, members: {}, seq: 0 });
  const port = (wss.address() as AddressInfo).port;
  const sockets = new Set<WebSocket>();
  wss.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const posted: QueueCommand[][] = [];
  const http: SyncHttp = {
    async get<T>() {
      return { roomId: 'r1', patchDocId: patch.documentId, stateDocId: state.documentId, role: 'performer' } satisfies RoomDocuments as T;
    },
    async post<T>(_path: string, body: unknown) {
      const { commands } = body as { commands: QueueCommand[] };
      posted.push(commands);
      let seq = state.doc().seq;
      state.change((d) => {
        for (const c of commands) if (c.type === 'set_preset') d.activePreset = c.presetId;
        d.seq = seq += commands.length;
      });
      return { results: commands.map((c, i) => ({ id: c.id, status: 'ack', seq: seq - commands.length + i + 1 })) } satisfies CommandsResponse as T;
    },
  };
  return {
    url: `ws://127.0.0.1:${port}/sync`,
    repo,
    patch,
    state,
    http,
    posted,
    /** Kills every client socket the way a network drop would. */
    dropAll: () => sockets.forEach((s) => s.terminate()),
    async close() {
      await repo.shutdown();
      for (const s of sockets) s.terminate();
      wss.close();
    },
  };
}

const until = async (check: () => boolean, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup() {
  const server = await startServer();
  const memory = createMemorySink();
  const connection: RoomConnection = connectRoom({
    roomId: 'r1',
    http: server.http,
    principal: { kind: 'user', id: 'u_1', name: 'ada' },
    telemetry: createTelemetry(memory.sink),
    outboxStorage: memoryOutboxStorage(),
    url: server.url,
    createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
  });
  cleanups.push(async () => {
    await connection.close();
    await server.close();
  });
  return { server, connection, events: (name: string) => memory.events().filter((e) => e.name === name) };
}

describe('room connection', () => {
  it('loads both documents, follows server changes and sends a peer id bound to the user', async () => {
    const { server, connection, events } = await setup();
    const { patch, state, role } = await connection.ready;
    expect(role).toBe('performer');
    expect(connection.peerId).toMatch(/^u:u_1:[A-Za-z0-9]+$/);
    expect(Object.keys(patch.doc().nodes)).toEqual(['osc1']);
    server.state.change((d) => (d.activePreset = 's_ember'));
    await until(() => state.doc().activePreset === 's_ember');
    expect(connection.status.getState()).toMatchObject({ state: 'connected', ready: true });
    expect(events('socket_connect')).toHaveLength(1);
  });

  it('sends local patch edits to the server', async () => {
    const { server, connection } = await setup();
    const { patch } = await connection.ready;
    patch.change((d) => (d.nodes.osc1!.params.frequency = 42));
    await until(() => server.patch.doc().nodes.osc1?.params.frequency === 42);
  });

  it('reconnects after the socket dies, resyncs, and catches up on what changed meanwhile', async () => {
    const { server, connection, events } = await setup();
    const { patch } = await connection.ready;
    server.dropAll();
    await until(() => connection.status.getState().state === 'reconnecting');
    const { attempt, nextRetryAt } = connection.status.getState();
    expect(attempt).toBeGreaterThanOrEqual(1);
    expect(nextRetryAt).toBeGreaterThan(Date.now() - 1000);
    server.patch.change((d) => (d.nodes.osc1!.params.frequency = 7));
    await until(() => connection.status.getState().state === 'connected');
    await until(() => patch.doc().nodes.osc1?.params.frequency === 7);
    await until(() => events('socket_resync').length === 1);
    expect(events('socket_disconnect')).toHaveLength(1);
    expect(events('socket_reconnect')).toHaveLength(1);
    const sessions = new Set(['socket_connect', 'socket_disconnect', 'socket_reconnect', 'socket_resync'].map((n) => events(n)[0]!.correlation_id));
    expect(sessions.size).toBe(1);
  });

  it('a queue command is acknowledged, then seen applied in the room state', async () => {
    const { server, connection, events } = await setup();
    await connection.ready;
    const id = await connection.send({ type: 'set_preset', presetId: 's_x' });
    await until(() => events('queue_cmd_applied').length === 1);
    expect(server.posted.flat().map((c) => c.id)).toEqual([id]);
    expect(['queue_cmd_sent', 'queue_cmd_ack', 'queue_cmd_applied'].map((n) => events(n)[0]!.correlation_id)).toEqual([id, id, id]);
    expect(connection.status.getState().pending).toBe(0);
  });
});
