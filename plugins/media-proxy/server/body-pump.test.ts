import type { IncomingMessage } from 'node:http';
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { pump } from './body-pump';

const CHUNK = 64 * 1024;

/** A sink that takes nothing until released, like a client that stopped reading. */
function stuckSink() {
  const held: Array<() => void> = [];
  let stuck = true;
  let maxQueued = 0;
  const sink = new Writable({
    highWaterMark: 16 * 1024,
    write(_chunk: Buffer, _encoding, callback) {
      if (stuck) held.push(callback);
      else callback();
    },
  });
  const write = sink.write.bind(sink);
  sink.write = ((chunk: Buffer) => {
    const more = write(chunk);
    maxQueued = Math.max(maxQueued, sink.writableLength);
    return more;
  }) as typeof sink.write;
  return {
    sink,
    maxQueued: () => maxQueued,
    release() {
      stuck = false;
      for (const callback of held.splice(0)) callback();
    },
  };
}

const upstreamOf = (source: PassThrough) => source as unknown as IncomingMessage;

describe('pump', () => {
  it('pauses upstream while the client does not read: a chunk or so queued, never the body, and no idle timeout', async () => {
    const source = new PassThrough({ highWaterMark: CHUNK });
    const { sink, maxQueued, release } = stuckSink();
    let destroyed = false;
    const flow = pump(upstreamOf(source), () => (destroyed = true), sink, { expected: 32 * CHUNK, idleTimeoutMs: 50 });
    let offered = 0;
    // Upstream offers what it can; its own buffer fills once the pump stops taking.
    let room = true;
    while (offered < 32 * CHUNK && room) {
      room = source.write(Buffer.alloc(CHUNK, 1));
      offered += CHUNK;
    }
    await new Promise((resolve) => setTimeout(resolve, 200)); // four idle timeouts with the sink full
    expect(maxQueued(), 'bytes queued in the sink').toBeLessThanOrEqual(2 * CHUNK);
    expect(source.isPaused() || source.readableFlowing === false).toBe(true);
    expect(destroyed, 'upstream cut for a slow reader').toBe(false);
    release();
    for (; offered < 32 * CHUNK; offered += CHUNK) {
      if (!source.write(Buffer.alloc(CHUNK, 1))) await new Promise((resolve) => source.once('drain', resolve));
    }
    source.end();
    await expect(flow.done).resolves.toEqual({ received: 32 * CHUNK, sent: 32 * CHUNK });
  });

  it('an upstream that goes quiet while the client reads: upstream_timeout, upstream destroyed', async () => {
    const source = new PassThrough();
    const sink = new Writable({ write: (_chunk, _encoding, callback) => callback() });
    let destroyed = false;
    const flow = pump(upstreamOf(source), () => (destroyed = true), sink, { expected: 4 * CHUNK, idleTimeoutMs: 50 });
    source.write(Buffer.alloc(CHUNK));
    await expect(flow.done).resolves.toEqual({ failure: 'upstream_timeout', received: CHUNK, sent: CHUNK });
    expect(destroyed).toBe(true);
  });
});
