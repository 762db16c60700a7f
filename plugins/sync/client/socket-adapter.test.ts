import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { PeerId } from '@automerge/automerge-repo';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { CLOSE_CODES } from '../protocol';
import { RoomSocketAdapter, type SocketLike, type SocketPhase } from './socket-adapter';

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

const adapters: RoomSocketAdapter[] = [];
const servers: Array<{ close(): void }> = [];
afterEach(() => {
  adapters.splice(0).forEach((a) => a.disconnect());
  servers.splice(0).forEach((s) => s.close());
});

function adapter(url: string) {
  const phases: SocketPhase[] = [];
  const a = new RoomSocketAdapter({ url, onPhase: (p) => phases.push(p), backoff: { base: 100, max: 400 }, createSocket: (u) => new WebSocket(u) as unknown as SocketLike });
  adapters.push(a);
  a.connect('u:u_1:abc' as PeerId);
  return { a, phases };
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

  it('drops what the repo sends while down instead of throwing', async () => {
    const server = await closingServer(1011);
    servers.push(server);
    const { a } = adapter(server.url);
    expect(() => a.send({ type: 'sync', senderId: 'u:u_1:abc', targetId: 'server', documentId: 'x', data: new Uint8Array([1]) } as never)).not.toThrow();
  });
});
