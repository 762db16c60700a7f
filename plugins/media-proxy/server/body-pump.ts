import type { IncomingMessage } from 'node:http';
import type { Writable } from 'node:stream';

export type PumpFailure = 'upstream_truncated' | 'upstream_timeout' | 'too_large_for_cache' | 'client_aborted';

export interface PumpResult {
  failure?: PumpFailure;
  /** Body bytes read from upstream (the peeked head included). */
  received: number;
  /** Bytes written to the sink. */
  sent: number;
}

export interface PumpOptions {
  /** Bytes already read (by `peek`) that go out first. */
  head?: Buffer;
  /** The source ended while peeking. */
  ended?: boolean;
  /** Leading body bytes to drop (serving a range from an upstream that ignored it). */
  skip?: number;
  /** Bytes to pass on after `skip`; undefined: all. */
  count?: number;
  /** Body length upstream promised (Content-Length): fewer bytes at the end is a truncation. */
  expected?: number;
  /** More bytes than this fails the pump (a cache download). */
  max?: number;
  idleTimeoutMs: number;
}

/**
 * Reads the first bytes of an upstream body without losing them: until `enough(head)` says so,
 * `limit` bytes arrived, the body ended, or nothing arrived for the idle timeout. The source is left paused.
 */
export function peek(source: IncomingMessage, limit: number, idleTimeoutMs: number, enough: (head: Buffer) => boolean): Promise<{ head: Buffer; ended: boolean; timedOut: boolean; broken: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let timer = setTimeout(() => done(false, true, false), idleTimeoutMs);
    const done = (ended: boolean, timedOut: boolean, broken: boolean) => {
      clearTimeout(timer);
      source.off('data', onData);
      source.off('end', onEnd);
      source.off('aborted', onBroken);
      source.off('error', onBroken);
      source.pause();
      resolve({ head: Buffer.concat(chunks), ended, timedOut, broken });
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      clearTimeout(timer);
      timer = setTimeout(() => done(false, true, false), idleTimeoutMs);
      if (size >= limit || enough(Buffer.concat(chunks))) done(false, false, false);
    };
    const onEnd = () => done(true, false, false);
    const onBroken = () => done(false, false, true);
    source.on('data', onData);
    source.once('end', onEnd);
    source.once('aborted', onBroken);
    source.once('error', onBroken);
  });
}

/**
 * Moves an upstream body into a sink with backpressure, never holding more than the sink buffers.
 * The idle timer runs only while waiting for upstream (not while the sink is full), so a slow
 * reader is not mistaken for a stalled upstream. On success the sink is ended; on failure the
 * upstream request is destroyed and the sink is left to the caller.
 */
export function pump(source: IncomingMessage, destroyUpstream: () => void, sink: Writable, options: PumpOptions): { done: Promise<PumpResult>; cancel(reason: PumpFailure): void } {
  let received = 0;
  let sent = 0;
  let skip = options.skip ?? 0;
  let left = options.count ?? Number.POSITIVE_INFINITY;
  let settled = false;
  let timer: NodeJS.Timeout | undefined;
  let waitingForDrain = false;
  let finish!: (result: PumpResult) => void;
  const done = new Promise<PumpResult>((resolve) => (finish = resolve));

  // One timer, re-armed per chunk with refresh() (cheap at hundreds of chunks a second). While the
  // sink is full the silence is ours, not upstream's: the timer then only re-arms itself.
  const onIdle = () => {
    if (settled) return;
    if (waitingForDrain) timer?.refresh();
    else fail('upstream_timeout');
  };
  const stopTimer = () => clearTimeout(timer);
  const startTimer = () => {
    if (timer) timer.refresh();
    else timer = setTimeout(onIdle, options.idleTimeoutMs);
  };
  const cleanup = () => {
    stopTimer();
    source.off('data', onData);
    source.off('end', onEnd);
    source.off('aborted', onBroken);
    source.off('error', onBroken);
    source.off('close', onClose);
    sink.off('drain', onDrain);
  };
  const fail = (failure: PumpFailure) => {
    if (settled) return;
    settled = true;
    cleanup();
    destroyUpstream();
    finish({ failure, received, sent });
  };
  const succeed = () => {
    if (settled) return;
    settled = true;
    cleanup();
    sink.end();
    // Upstream may still have bytes we did not ask for (an emulated range): stop it.
    if (!source.complete) destroyUpstream();
    finish({ received, sent });
  };
  const take = (chunk: Buffer): boolean => {
    received += chunk.length;
    if (options.max !== undefined && received > options.max) {
      fail('too_large_for_cache');
      return false;
    }
    if (skip >= chunk.length) {
      skip -= chunk.length;
      return true;
    }
    let part = skip > 0 ? chunk.subarray(skip) : chunk;
    skip = 0;
    if (part.length > left) part = part.subarray(0, left);
    left -= part.length;
    sent += part.length;
    // Upstream pauses whenever the sink says "full" (a socket: past 16 KiB, so after most chunks), as
    // a bare pipe does. Letting 1 MiB queue in the sink instead cost 2-3x the CPU per MB of a bare
    // pipe (bench:media, proxy_cpu_ms_per_mb; the extra time sat in socketOnData, where Node copies
    // each upstream chunk into a new buffer) and lower throughput; pausing per chunk is cheap.
    const more = part.length === 0 || sink.write(part);
    if (left === 0) {
      succeed();
      return false;
    }
    return more;
  };
  const onData = (chunk: Buffer) => {
    if (settled) return;
    startTimer();
    if (!take(chunk) && !settled) {
      source.pause();
      waitingForDrain = true;
    }
  };
  // Listening all along (not once per full sink): no listener wrapper made per chunk.
  const onDrain = () => {
    if (!waitingForDrain || settled) return;
    waitingForDrain = false;
    // 'end' may have been emitted while nobody listened (the body ended during `peek`).
    if (source.readableEnded) return onEnd();
    startTimer();
    source.resume();
  };
  const onEnd = () => {
    if (options.expected !== undefined && received < options.expected) fail('upstream_truncated');
    else succeed();
  };
  const onBroken = () => fail('upstream_truncated');
  // A socket closed before `end` (no Content-Length to compare, chunked framing cut) is a truncation too.
  const onClose = () => {
    if (!source.complete) fail('upstream_truncated');
  };

  queueMicrotask(() => {
    if (settled) return;
    sink.on('drain', onDrain);
    if (options.head?.length && !take(options.head) && !settled) waitingForDrain = true;
    if (settled) return;
    if (options.ended || source.readableEnded) return onEnd();
    source.on('data', onData);
    source.once('end', onEnd);
    source.once('aborted', onBroken);
    source.once('error', onBroken);
    source.once('close', onClose);
    if (!waitingForDrain) {
      startTimer();
      source.resume();
    }
  });
  return { done, cancel: fail };
}
