import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { Repo, type DocHandle, type PeerId } from '@automerge/automerge-repo';
import { BrowserWebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket';
import { TestClient } from '../../server/test-harness';
import { peerIdFor, ROOM_DOCUMENTS_PATH, SYNC_PATH, type RoomDocuments } from './protocol';

/**
 * For the sync tests, the chaos test and bench:sync: signed-in people, a room with a team, and
 * real automerge-repo clients on the real WebSocket. Not part of the build.
 */

// automerge-repo's client adapter makes `new WebSocket(url)` itself: in Node that sends no cookie
// (a browser sends its cookies and Origin on its own). ws makes its handshake with http.request,
// looked up at each call, so the handshake gets the headers registered for the `as` query key.
const handshakeHeaders = new Map<string, Record<string, string>>();
let hooked = false;
function hookHandshakes() {
  if (hooked) return;
  hooked = true;
  const original = http.request;
  http.request = function (this: unknown, ...args: unknown[]) {
    const options = args[0] as { path?: unknown; headers?: Record<string, string> } | undefined;
    if (options && typeof options === 'object' && typeof options.path === 'string') {
      const key = /[?&]as=([A-Za-z0-9_-]+)/.exec(options.path)?.[1];
      const extra = key ? handshakeHeaders.get(key) : undefined;
      if (extra) options.headers = { ...options.headers, ...extra };
    }
    return (original as (...a: unknown[]) => http.ClientRequest).apply(this, args);
  } as typeof http.request;
}

/** A ws:// URL for SYNC_PATH whose handshake carries these headers (e.g. a client's cookies and Origin). */
export function syncUrl(base: string, headers: Record<string, string>): string {
  hookHandshakes();
  const key = randomBytes(9).toString('base64url');
  handshakeHeaders.set(key, headers);
  return `${base.replace(/^http/, 'ws')}${SYNC_PATH}?as=${key}`;
}

export function cookieHeader(client: TestClient): string {
  return [...client.cookies].map(([name, c]) => `${name}=${c.value}`).join('; ');
}

export type Person = TestClient & { id: string; name: string };

let serial = 0;
export async function signUp(base: string, prefix = 'p'): Promise<Person> {
  const client = new TestClient(base);
  const name = `${prefix}${process.pid % 1000}x${++serial}${randomBytes(2).toString('hex')}`;
  const res = await client.post('/api/auth/register', { username: name, password: 'password for tests' });
  if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${JSON.stringify(res.body)}`);
  return Object.assign(client, { id: res.body.user.id as string, name });
}

export async function invite(owner: Person, roomId: string, who: Person, role: 'performer' | 'viewer') {
  const link = await owner.post(`/api/rooms/${roomId}/invites`, { role });
  const joined = await who.post('/api/rooms/join', { token: link.body.token });
  if (joined.body.role !== role) throw new Error(`join failed: ${JSON.stringify(joined.body)}`);
}

export async function createRoom(owner: Person, visibility: 'public' | 'private' = 'private'): Promise<string> {
  const created = await owner.post('/api/rooms', { name: 'Sync test', visibility });
  if (created.status !== 201) throw new Error(`room not created: ${JSON.stringify(created.body)}`);
  return created.body.room.id as string;
}

export async function roomDocuments(who: TestClient, roomId: string): Promise<RoomDocuments> {
  const res = await who.get(ROOM_DOCUMENTS_PATH(roomId));
  if (res.status !== 200) throw new Error(`room documents: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as RoomDocuments;
}

/** Adds media items to the library, returning their ids. */
export async function seedMedia(who: Person, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await who.post('/api/library/media', {
      url: `https://archive.org/download/sync-test-${randomBytes(6).toString('hex')}/clip${i}.mp4`,
      mimeType: 'video/mp4',
      title: `Clip ${i}`,
      duration: 10 + i,
    });
    if (res.status !== 201) throw new Error(`media not added: ${JSON.stringify(res.body)}`);
    ids.push(res.body.item.id as string);
  }
  return ids;
}

export interface SyncClient {
  repo: Repo;
  peerId: string;
  adapter: BrowserWebSocketClientAdapter;
  /** Resolves once the server answered the join. */
  connected: Promise<void>;
  find<T>(docId: string): Promise<DocHandle<T>>;
  close(): Promise<void>;
}

/** A real automerge-repo client (what the studio and player run) on the server's /sync, as `who`. */
export function syncClient(base: string, who: Person | TestClient, options: { peerId?: string; origin?: string | null; retryMs?: number } = {}): SyncClient {
  const principal = 'id' in who ? { kind: 'user' as const, id: (who as Person).id } : null;
  const peerId = options.peerId ?? peerIdFor(principal ?? { kind: 'guest', id: 'unknown' }, randomBytes(6).toString('base64url'));
  const headers: Record<string, string> = { Cookie: cookieHeader(who) };
  if (options.origin !== null) headers.Origin = options.origin ?? base;
  const adapter = new BrowserWebSocketClientAdapter(syncUrl(base, headers), options.retryMs ?? 5000);
  const repo = new Repo({ network: [adapter], peerId: peerId as PeerId });
  const connected = new Promise<void>((resolve) => repo.networkSubsystem.once('peer', () => resolve()));
  return {
    repo,
    peerId,
    adapter,
    connected,
    async find<T>(docId: string) {
      await connected;
      return repo.find<T>(docId as never);
    },
    async close() {
      await repo.shutdown().catch(() => undefined);
    },
  };
}

/** Resolves when `test` passes, polling; rejects with the last failure after `ms`. */
export async function eventually<T>(test: () => T | Promise<T>, ms = 5000, every = 20): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      return await test();
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, every));
    }
  }
}
