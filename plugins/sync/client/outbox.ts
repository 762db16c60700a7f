import { createStore } from 'zustand/vanilla';
import type { Telemetry } from '../../../runtime/telemetry/events';
import { QUEUE_LIMITS, type CommandRejection, type CommandResult, type CommandsResponse, type QueueCommand } from '../protocol';
import { backoffDelay, type BackoffPolicy } from './backoff';
import type { OutboxStorage, PendingCommand } from './outbox-storage';

/** A command as the UI makes it; the outbox gives it its id. */
export type NewCommand = QueueCommand extends infer C ? (C extends { id: string } ? Omit<C, 'id'> : never) : never;

/** What a failed send looks like (ApiError fits): status 0 for "never reached the server". */
export interface SendFailure {
  status: number;
  code?: string;
  message?: string;
  /** Seconds. */
  retryAfter?: number;
}

export interface OutboxOptions {
  roomId: string;
  storage: OutboxStorage;
  /** POST COMMANDS_PATH(roomId) with `{ commands }`. Throws a SendFailure-like error when there is no answer. */
  send(commands: QueueCommand[]): Promise<CommandsResponse>;
  telemetry: Telemetry;
  /** A command the server refused for good: the UI says so (a toast naming the reason). */
  onRejected?(command: QueueCommand, code: CommandRejection, message: string): void;
  /** The whole outbox cannot be sent as this person (signed out, no longer a performer). */
  onBlocked?(failure: SendFailure): void;
  backoff?: BackoffPolicy;
  now?: () => number;
  newId?: () => string;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

export interface OutboxState {
  /** Unanswered commands in sending order. */
  pending: PendingCommand[];
  /** A request is on its way. */
  sending: boolean;
  /** Acknowledged, result not yet seen in the room state: id → seq. */
  awaiting: Record<string, number>;
  /** Why sending is paused, when it is (signed out, forbidden). */
  blocked: SendFailure | undefined;
  /** The outbox has read what an earlier page left in storage. */
  loaded: boolean;
}

/**
 * The persistent outbox of queue commands: a command is stored before it is sent, sent in order in
 * batches, and forgotten only when the server has answered it (ack or rejected). Until then it is
 * resent — after a failure with backoff, after a reconnect, after a reload. The server applies an
 * id at most once, so resending is always safe.
 */
export function createOutbox(options: OutboxOptions) {
  const { roomId, storage, telemetry } = options;
  const now = options.now ?? Date.now;
  const newId = options.newId ?? (() => globalThis.crypto.randomUUID());
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((t) => clearTimeout(t as ReturnType<typeof setTimeout>));
  const store = createStore<OutboxState>(() => ({ pending: [], sending: false, awaiting: {}, blocked: undefined, loaded: false }));
  const sentAt = new Map<string, number>();
  const ackedAt = new Map<string, number>();
  const typeOf = new Map<string, QueueCommand['type']>();
  let online = true;
  let failures = 0;
  let retryTimer: unknown;
  let seenSeq = 0;
  let closed = false;
  let flushing: Promise<void> | undefined;

  const set = (patch: Partial<OutboxState>) => store.setState(patch);

  async function load(): Promise<void> {
    const stored = await storage.load(roomId);
    const known = new Set(store.getState().pending.map((p) => p.command.id));
    const pending = [...store.getState().pending, ...stored.filter((p) => !known.has(p.command.id))].sort((a, b) => a.createdAt - b.createdAt);
    set({ pending, loaded: true });
    void flush();
  }

  /** Stores the command, then sends it when it can. Resolves with its id once it is stored. */
  async function enqueue(command: NewCommand): Promise<string> {
    const full = { ...command, id: newId() } as QueueCommand;
    const entry: PendingCommand = { roomId, command: full, createdAt: now(), attempts: 0 };
    await storage.put(entry);
    set({ pending: [...store.getState().pending, entry] });
    void flush();
    return full.id;
  }

  function schedule(ms: number) {
    if (retryTimer !== undefined) clearTimer(retryTimer);
    retryTimer = setTimer(() => {
      retryTimer = undefined;
      void flush();
    }, ms);
  }

  /** Sends what is pending, one request at a time, until nothing is left or sending fails. */
  function flush(): Promise<void> {
    if (flushing) return flushing;
    // Waiting out a backoff: the timer (or the connection coming back) sends.
    if (retryTimer !== undefined) return Promise.resolve();
    const run = (async () => {
      while (!closed && online && !store.getState().blocked) {
        const batch = store.getState().pending.slice(0, QUEUE_LIMITS.commandsPerRequest);
        if (batch.length === 0) return;
        if (!(await sendBatch(batch))) return;
      }
    })();
    // Cleared after assignment: the loop may finish before `flushing` is even set.
    flushing = run.finally(() => {
      if (flushing === guarded) flushing = undefined;
    });
    const guarded = flushing;
    return guarded;
  }

  /** One request. True when it was answered (whatever the answers), false when it must be retried later. */
  async function sendBatch(batch: PendingCommand[]): Promise<boolean> {
    set({ sending: true });
    const at = now();
    for (const entry of batch) {
      entry.attempts += 1;
      sentAt.set(entry.command.id, at);
      telemetry.emit('queue_cmd_sent', entry.command.id, { command_type: entry.command.type, attempt: entry.attempts, batch_size: batch.length, room_id: roomId });
    }
    let response: CommandsResponse;
    try {
      response = await options.send(batch.map((e) => e.command));
    } catch (error) {
      set({ sending: false });
      handleFailure(error as SendFailure, batch);
      return false;
    }
    set({ sending: false });
    failures = 0;
    await settle(Array.isArray(response?.results) ? response.results : []);
    return true;
  }

  function handleFailure(failure: SendFailure, batch: PendingCommand[]) {
    const status = typeof failure?.status === 'number' ? failure.status : 0;
    if (status === 401 || status === 403) {
      // Not this person's to send (signed out, no longer a performer): keep them, say why, wait for a change.
      set({ blocked: failure });
      options.onBlocked?.(failure);
      return;
    }
    if (status === 400 || status === 404 || status === 413) {
      // The server will never take this request as it is: answer each command ourselves rather than loop.
      void settle(batch.map((e) => ({ id: e.command.id, status: 'rejected', code: 'invalid', message: failure.message ?? `The server refused the request (${status}).` })));
      return;
    }
    failures += 1;
    const wait = failure?.retryAfter !== undefined ? failure.retryAfter * 1000 : backoffDelay(failures, options.backoff);
    schedule(wait);
  }

  async function settle(results: readonly CommandResult[]) {
    const byId = new Map(store.getState().pending.map((p) => [p.command.id, p]));
    const done: string[] = [];
    const awaiting = { ...store.getState().awaiting };
    for (const result of results) {
      const entry = byId.get(result?.id);
      if (!entry) continue;
      done.push(result.id);
      const latency = now() - (sentAt.get(result.id) ?? now());
      if (result.status === 'ack') {
        ackedAt.set(result.id, now());
        telemetry.emit('queue_cmd_ack', result.id, { command_type: entry.command.type, seq: result.seq, latency_ms: latency, attempts: entry.attempts, room_id: roomId });
        if (result.seq <= seenSeq) applied(result.id, entry.command.type, result.seq);
        else {
          awaiting[result.id] = result.seq;
          typeOf.set(result.id, entry.command.type);
        }
      } else {
        telemetry.emit('queue_cmd_rejected', result.id, { command_type: entry.command.type, code: result.code, reason: result.message, room_id: roomId });
        options.onRejected?.(entry.command, result.code, result.message);
      }
    }
    if (done.length === 0) return;
    // Forget in storage first: a reload in between resends, which the server answers the same.
    try {
      await storage.remove(roomId, done);
    } catch {
      // storage gone (private mode, quota): the memory copy is still right for this page
    }
    const gone = new Set(done);
    set({ pending: store.getState().pending.filter((p) => !gone.has(p.command.id)), awaiting });
  }

  function applied(id: string, type: QueueCommand['type'] | undefined, seq: number) {
    telemetry.emit('queue_cmd_applied', id, { command_type: type, seq, latency_ms: now() - (ackedAt.get(id) ?? now()), room_id: roomId });
    sentAt.delete(id);
    ackedAt.delete(id);
    typeOf.delete(id);
  }

  return {
    ...store,
    load,
    enqueue,
    flush,
    /** The room-state document reached `seq`: acknowledged commands up to it are visible to everyone. */
    noteSeq(seq: number) {
      if (!(seq > seenSeq)) return;
      seenSeq = seq;
      const awaiting = { ...store.getState().awaiting };
      let changed = false;
      for (const [id, at] of Object.entries(awaiting)) {
        if (at > seq) continue;
        applied(id, typeOf.get(id), at);
        delete awaiting[id];
        changed = true;
      }
      if (changed) set({ awaiting });
    },
    /** The connection is (back) up or down: sending waits while it is down and starts again at once when it is back. */
    setOnline(next: boolean) {
      online = next;
      if (next) {
        failures = 0;
        if (retryTimer !== undefined) clearTimer(retryTimer);
        retryTimer = undefined;
        void flush();
      }
    },
    /** Something changed that may let the blocked commands through (signed in again, role changed). */
    unblock() {
      if (!store.getState().blocked) return;
      set({ blocked: undefined });
      void flush();
    },
    close() {
      closed = true;
      if (retryTimer !== undefined) clearTimer(retryTimer);
    },
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
