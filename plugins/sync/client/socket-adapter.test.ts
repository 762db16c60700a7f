import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { cbor, type PeerId } from '@automerge/automerge-repo';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { CLOSE_CODES } from '../protocol';
import { RoomSocketAdapter, type SocketAdapterOptions, type SocketLike, type SocketPhase } from './socket-adapter';

/** A server that closes every socket with `code` as soon as it opens, counting connections. */
async function closingServer(code: number) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await once(wss, 'listening');
  let connections = 0;
  wss.on('connection', (ws) => {
    connections++;
    ws.close(code, 'test');
  });
  return { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, connections: () => connections, close: () => wss.close() };
}

/** A server that answers every join as automerge-repo's does (with `peer`), counting connections. */
async function answeringServer() {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await once(wss, 'listening');
  let connections = 0;
  wss.on('connection', (ws) => {
    connections++;
    ws.on('message', (data: Buffer) => {
      const message = cbor.decode(new Uint8Array(data)) as { type: string; senderId: string };
      if (message.type === 'join') ws.send(cbor.encode({ type: 'peer', senderId: 'server', targetId: message.senderId, peerMetadata: {}, selectedProtocolVersion: '1' }));
    });
  });
  return { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, connections: () => connections, close: () => wss.close() };
}

const adapters: RoomSocketAdapter[] = [];
const servers: Array<{ close(): void }> = [];
afterEach(() => {
  adapters.splice(0).forEach((a) => a.disconnect());
  servers.splice(0).forEach((s) => s.close());
});

function adapter(url: string, extra: Partial<SocketAdapterOptions> = {}) {
  const phases: SocketPhase[] = [];
  const a = new RoomSocketAdapter({ url, onPhase: (p) => phases.push(p), backoff: { base: 100, max: 400 }, createSocket: (u) => new WebSocket(u) as unknown as SocketLike, ...extra });
  adapters.push(a);
  a.connect('u:u_1:abc' as PeerId);
  return { a, phases };
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => boolean, timeoutMs = 5000) {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await wait(10);
  }
}

describe('reconnecting socket adapter', () => {
  for (const reason of ['forbidden', 'unauthenticated', 'peer_taken'] as const) {
    it(`stops on ${reason} (${CLOSE_CODES[reason]}) until resumed`, async () => {
      const server = await closingServer(CLOSE_CODES[reason]);
      servers.push(server);
      const { a, phases } = adapter(server.url);
      await wait(1200);
      expect(server.connections()).toBe(1);
      expect(phases.at(-1)).toEqual({ phase: 'stopped', reason, code: CLOSE_CODES[reason] });
      a.resume();
      await wait(300);
      expect(server.connections()).toBe(2);
    });
  }

  it('retries other closes with growing, jittered, capped delays', async () => {
    const server = await closingServer(1011);
    servers.push(server);
    const { phases } = adapter(server.url);
    await wait(2500);
    const retries = phases.filter((p): p is Extract<SocketPhase, { phase: 'reconnecting' }> => p.phase === 'reconnecting');
    expect(retries.length).toBeGreaterThanOrEqual(4);
    expect(retries.length).toBeLessThan(25); // not a tight loop
    expect(retries.map((r) => r.attempt)).toEqual(retries.map((_, i) => i + 2));
    expect(retries.every((r) => r.code === 1011)).toBe(true);
    expect(server.connections()).toBeGreaterThanOrEqual(4);
  });

  it('a reconnect (not the first connect) waits for beforeReconnect, but no longer than the gate allows', async () => {
    const server = await answeringServer();
    servers.push(server);
    let release: () => void = () => {};
    const gates: Array<'held' | 'hung'> = [];
    const { a, phases } = adapter(server.url, {
      reconnectGateMs: 400,
      beforeReconnect: () => {
        gates.push(gates.length === 0 ? 'held' : 'hung');
        return gates.length === 1 ? new Promise<void>((resolve) => (release = resolve)) : new Promise<void>(() => {});
      },
    });
    await until(() => phases.at(-1)?.phase === 'connected');
    expect(gates).toEqual([]); // the first connect does not wait

    a.reconnectNow();
    await wait(150);
    expect(server.connections()).toBe(1); // held: the resend goes first
    release();
    await until(() => server.connections() === 2 && phases.at(-1)?.phase === 'connected');

    // A resend that never answers holds the socket back only as long as the gate allows.
    const before = performance.now();
    a.reconnectNow();
    await until(() => server.connections() === 3 && phases.at(-1)?.phase === 'connected');
    expect(performance.now() - before).toBeGreaterThanOrEqual(390);
    expect(gates).toEqual(['held', 'hung']);
  });

  it('drops what the repo sends while down instead of throwing', async () => {
    const server = await closingServer(1011);
    servers.push(server);
    const { a } = adapter(server.url);
    expect(() => a.send({ type: 'sync', senderId: 'u:u_1:abc', targetId: 'server', documentId: 'x', data: new Uint8Array([1]) } as never)).not.toThrow();
  });
});
