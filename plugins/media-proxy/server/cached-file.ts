import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import koaRange from 'koa-range';
import { pump, type PumpFailure } from './body-pump';
import type { CacheEntry } from './cache';
import { lengthOf, ProxyError, upstreamError } from './classify';
import { parseContentRange, parseRange, resolveRange } from './ranges';
import type { ProxyRecord } from './records';
import type { Ctx, ProxyDeps } from './routes';
import { openUpstream } from './upstream';

/** The faststart cache's side of the proxy: filling it from upstream, and serving from it. */

const FILL_FAILURES: Record<PumpFailure, [number, string]> = {
  upstream_truncated: [502, 'The media host ended the file early while it was being cached.'],
  upstream_timeout: [504, 'The media host stalled while the file was being cached.'],
  too_large_for_cache: [502, 'The media file is larger than the cache takes.'],
  client_aborted: [499, 'The client went away.'],
};

/** Downloads a whole file into the cache (one download per URL, whoever asked first), with the same checks as a relayed answer. */
export function fillCache(url: URL, key: string, deps: Pick<ProxyDeps, 'cache' | 'policy' | 'fileMaxBytes'>): Promise<CacheEntry> {
  return deps.cache.fill(key, async (path) => {
    const up = await openUpstream(url, { method: 'GET' }, deps.policy);
    const stop = () => up.req.destroy();
    try {
      const status = up.res.statusCode ?? 0;
      if (status === 206) throw new ProxyError('range_violation', 502, 'The media host answered 206 to a request without a Range.');
      const declared = lengthOf(up.res.headers['content-length']);
      if (status !== 200) throw upstreamError(status, undefined, declared);
      if (declared !== undefined && declared > deps.fileMaxBytes) throw new ProxyError('too_large_for_cache', 502, 'The media file is larger than the cache takes.');
      const file = createWriteStream(path, { mode: 0o600 });
      // A write failing (disk full) or landing after a failed download destroyed the file must not crash the process.
      let writeError: Error | undefined;
      file.on('error', (error) => (writeError ??= error));
      const result = await pump(up.res, stop, file, { ...(declared !== undefined ? { expected: declared } : {}), max: deps.fileMaxBytes, idleTimeoutMs: deps.policy.idleTimeoutMs }).done;
      if (result.failure) {
        file.destroy();
        const [status, message] = FILL_FAILURES[result.failure];
        throw new ProxyError(result.failure === 'client_aborted' ? 'upstream_unreachable' : result.failure, status, message);
      }
      await finished(file).catch(() => undefined);
      if (writeError) throw writeError;
      return { contentType: up.res.headers['content-type'] ?? 'video/mp4', ...(up.res.headers['last-modified'] ? { lastModified: up.res.headers['last-modified'] } : {}) };
    } catch (error) {
      stop();
      throw error;
    }
  });
}

/** Whether an If-Range validator still names the cached bytes (a strong ETag, or the exact date). */
function ifRangeHolds(value: string, entry: CacheEntry): boolean {
  if (value.startsWith('"') || value.startsWith('W/')) return value === entry.etag;
  const date = Date.parse(value);
  return !Number.isNaN(date) && Math.floor(date / 1000) === Math.floor(entry.lastModified.getTime() / 1000);
}

/**
 * Serves a cached file through koa-range. koa-range 0.3 has no If-Range and no suffix ranges and
 * does not clamp an end past the file, so the Range header is settled here first: dropped when
 * If-Range no longer holds or it is malformed, a suffix turned into start-end, the end clamped, and
 * a range past the end answered 416. koa-range then sets the 206, Content-Range and length; its
 * body (which reads the file from byte 0 to slice it) is swapped for a read of just those bytes.
 */
export async function serveCached(ctx: Ctx, entry: CacheEntry, label: 'HIT' | 'MISS', record: ProxyRecord, setBody: (p: Promise<unknown>) => void): Promise<void> {
  record.cache = label;
  record.layout ??= entry.faststart === 'unchanged' ? 'moov-first' : entry.faststart === 'rewritten' ? 'moov-at-end' : null;
  ctx.set('X-Proxy-Cache', label);
  ctx.set('X-Proxy-Faststart', entry.faststart);
  ctx.append('Server-Timing', `cache;desc=${label}`);
  ctx.set('ETag', entry.etag);
  ctx.set('Cache-Control', 'public, max-age=3600');
  ctx.lastModified = entry.lastModified;
  ctx.type = entry.contentType;
  if (ctx.get('If-None-Match') && ctx.get('If-None-Match').split(',').some((tag) => tag.trim() === entry.etag || tag.trim() === '*')) {
    ctx.status = 304;
    return;
  }
  const header = ctx.get('Range');
  let requested = parseRange(header);
  const ifRange = ctx.get('If-Range');
  if (requested && ifRange && !ifRangeHolds(ifRange, entry)) requested = undefined;
  if (!requested) delete ctx.req.headers.range;
  else {
    const selected = resolveRange(requested, entry.size);
    if (!selected) {
      record.classification = 'range_not_satisfiable';
      throw new ProxyError('range_not_satisfiable', 416, `The requested range is outside the media file (${entry.size} bytes).`, { 'Content-Range': `bytes */${entry.size}` });
    }
    ctx.req.headers.range = `bytes=${selected.start}-${selected.end}`;
  }
  let whole: ReadStream | undefined;
  await koaRange(ctx, async () => {
    ctx.status = 200;
    ctx.length = entry.size;
    if (ctx.method === 'GET') ctx.body = whole = createReadStream(entry.path);
  });
  if (ctx.method !== 'GET') return;
  let stream: ReadStream = whole!;
  const cr = parseContentRange(ctx.response.get('Content-Range') as string);
  if (ctx.status === 206 && cr) {
    whole!.destroy();
    (ctx.body as NodeJS.ReadableStream & { destroy(): void }).destroy();
    stream = createReadStream(entry.path, { start: cr.start, end: cr.end });
    ctx.body = stream;
    ctx.length = cr.end - cr.start + 1;
  }
  let sent = 0;
  stream.on('data', (chunk: Buffer | string) => {
    sent += chunk.length;
  });
  setBody(
    new Promise<void>((resolve) => {
      ctx.res.once('close', () => {
        record.bytes_sent = sent;
        resolve();
      });
    }),
  );
}
