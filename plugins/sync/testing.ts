import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { Repo, type DocHandle, type PeerId } from '@automerge/automerge-repo';
import { BrowserWebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket';
import { TestClient } from '../../server/test-harness';
import { COMMANDS_PATH, peerIdFor, ROOM_DOCUMENTS_PATH, SYNC_PATH, type CommandResult, type CommandsResponse, type QueueCommand, type RoomDocuments, type RoomState, type RoomStateDoc } from './protocol';
import { applyStateDelta, stateHeads } from './client/state-delta';

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
  // Two automerge-repo 2.5.6 client bugs a browser client must guard against too: in Node the
  // adapter rethrows socket errors other than ECONNREFUSED (an uncaught exception on ECONNRESET
  // when the server dies), and it throws when sending on a socket that is not open (#297/#627).
  // The socket's close event follows either way, and the reconnect resyncs.
  adapter.onError = () => {};
  // On reconnect it also takes its error listener off the previous socket, which may still be
  // connecting: give every socket it makes a listener of its own.
  const connect = adapter.connect.bind(adapter);
  adapter.connect = (...args: Parameters<typeof connect>) => {
    connect(...args);
    (adapter.socket as unknown as { on?(event: string, listener: () => void): void } | undefined)?.on?.('error', () => {});
  };
  const send = adapter.send.bind(adapter);
  adapter.send = (message) => {
    try {
      send(message);
    } catch {
      // not open: dropped, the reconnect's sync covers it
    }
  };
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

/**
 * Queue commands the way a client must send them: kept in an outbox until the server answered,
 * resent with the same ids after any failure (aborted request, dead server). Records the first
 * answer per id and counts any later answer that differs.
 */
export class CommandOutbox {
  readonly pending = new Map<string, QueueCommand>();
  readonly answers = new Map<string, CommandResult>();
  conflicts = 0;
  requests = 0;
  /** Answers whose room-state changes were applied, and ones that could not be. */
  statesApplied = 0;
  statesRefused = 0;
  aborted = 0;
  failed = 0;
  #flushing: Promise<void> | null = null;

  constructor(
    readonly base: string,
    readonly who: TestClient,
    readonly roomId: string,
    /** Chance (0–1) that a request is aborted mid-flight, and the most it waits before aborting. */
    readonly chaos: { abortChance: number; abortWithinMs: number; random: () => number } = { abortChance: 0, abortWithinMs: 0, random: Math.random },
    /**
     * The client's room-state document and whether its socket is syncing: while it is not, the
     * document's heads go with each request and the answer's changes into it, as the studio does.
     */
    readonly state?: { handle: DocHandle<RoomStateDoc>; syncing(): boolean },
  ) {}

  add(command: QueueCommand) {
    this.pending.set(command.id, command);
  }

  /** Sends until the outbox is empty (or `until` passes). */
  flush(until = Date.now() + 60_000): Promise<void> {
    this.#flushing ??= this.#drain(until).finally(() => (this.#flushing = null));
    return this.#flushing;
  }

  async #drain(until: number) {
    let backoff = 20;
    while (this.pending.size > 0 && Date.now() < until) {
      const batch = [...this.pending.values()].slice(0, 10);
      const controller = new AbortController();
      const { abortChance, abortWithinMs, random } = this.chaos;
      const timer = random() < abortChance ? setTimeout(() => controller.abort(), random() * abortWithinMs) : undefined;
      this.requests += 1;
      const handle = this.state && !this.state.syncing() ? this.state.handle : undefined;
      try {
        const res = await fetch(this.base + COMMANDS_PATH(this.roomId), {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Patchroom-CSRF': '1', Cookie: cookieHeader(this.who) },
          body: JSON.stringify({ commands: batch, stateHeads: stateHeads(handle) }),
          signal: controller.signal,
        });
        const body = (await res.json()) as CommandsResponse;
        if (res.status !== 200) throw new Error(`status ${res.status}: ${JSON.stringify(body)}`);
        if (handle && body.state !== undefined) {
          if (applyStateDelta(handle, body.state)) this.statesApplied += 1;
          else this.statesRefused += 1;
        }
        for (const result of body.results) {
          const first = this.answers.get(result.id);
          if (first && JSON.stringify(first) !== JSON.stringify(result)) this.conflicts += 1;
          if (!first) this.answers.set(result.id, result);
          this.pending.delete(result.id);
        }
        backoff = 20;
      } catch (error) {
        if (controller.signal.aborted) this.aborted += 1;
        else this.failed += 1;
        await new Promise((resolve) => setTimeout(resolve, backoff * (0.5 + random())));
        backoff = Math.min(backoff * 2, 500);
      } finally {
        clearTimeout(timer);
      }
    }
  }
}

/** A seeded pseudo-random generator (mulberry32): the same seed makes the same commands. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random queue command that makes sense against the queue as this client last saw it (it may be stale). */
export function randomCommand(random: () => number, id: string, state: RoomState | undefined, itemIds: readonly string[]): QueueCommand {
  const queue = state?.queue ?? [];
  const pick = <T>(list: readonly T[]): T | undefined => list[Math.floor(random() * list.length)];
  const entry = pick(queue)?.entryId;
  const roll = random();
  if (roll < 0.4 || !entry) {
    const after = random() < 0.7 ? undefined : random() < 0.5 ? null : (pick(queue)?.entryId ?? null);
    return after === undefined ? { id, type: 'add', itemId: pick(itemIds)! } : { id, type: 'add', itemId: pick(itemIds)!, after };
  }
  if (roll < 0.52) return { id, type: 'remove', entryId: entry };
  if (roll < 0.7) return { id, type: 'move', entryId: entry, after: random() < 0.3 ? null : (pick(queue)?.entryId ?? null) };
  if (roll < 0.78) return { id, type: 'play_next', entryId: entry };
  if (roll < 0.86) return { id, type: 'play_now', entryId: entry };
  if (roll < 0.98) return { id, type: 'skip', entryId: state?.nowPlaying?.entry.entryId ?? entry };
  return { id, type: 'clear' };
}
