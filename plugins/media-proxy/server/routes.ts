import { createHash } from 'node:crypto';
import Router from '@koa/router';
import type { Context } from 'koa';
import { HttpError, type Logger, type RequestState } from '../../../runtime/plugin/server';
import { peek, pump } from './body-pump';
import type { MediaCache } from './cache';
import { lengthOf, ProxyError, upstreamError } from './classify';
import { fillCache, serveCached } from './cached-file';
import { detectLayout } from './mp4-boxes';
import { parseContentRange, parseRange, partialProblem, rangeHeader, resolveRange, type ByteRange } from './ranges';
import type { ProxyRecord, RecordLog } from './records';
import { checkUrl, openUpstream, type Upstream, type UpstreamPolicy, type UpstreamTimings } from './upstream';

export interface ProxyDeps {
  policy: UpstreamPolicy;
  cache: MediaCache;
  /** Largest file the cache takes (and faststarts). */
  fileMaxBytes: number;
  records: RecordLog;
  log: Logger;
}

export type Ctx = Context & { state: RequestState };

/** Correlation ids a client may pass: letters, digits, dashes, 8–64. */
const CID = /^[A-Za-z0-9_-]{8,64}$/;
/** Headers a cross-origin page (the sandboxed renderer's `<video>`, a fetch) may read. */
const EXPOSED = [
  'Content-Length',
  'Content-Range',
  'Content-Type',
  'Accept-Ranges',
  'ETag',
  'Last-Modified',
  'X-Proxy-Upstream-Status',
  'X-Proxy-Cache',
  'X-Proxy-Error',
  'X-Proxy-Faststart',
  'X-Correlation-Id',
  'X-Request-Id',
  'Server-Timing',
].join(', ');
/** How many first bytes may be read to find out where moov sits. */
const PEEK_BYTES = 64 * 1024;
const MP4_TYPES = /^(video\/(mp4|quicktime|x-m4v)|audio\/mp4|application\/(mp4|octet-stream))\b/i;
const MP4_NAMES = /\.(mp4|m4v|mov)$/i;

export const urlHash = (url: string) => createHash('sha256').update(url).digest('hex').slice(0, 16);
const cacheKey = (url: string) => createHash('sha256').update(url).digest('hex');

/**
 * `/api/media-proxy`: `GET|HEAD /?url=…&cid=…` proxies an allow-listed media file (ranges, CORS,
 * diagnostics, faststart cache); `GET /records/:cid` tells what happened to a correlation id's responses.
 * No session is needed: a sandboxed `<video crossorigin>` asks with `Origin: null` and no cookies.
 */
export function mediaProxyRoutes(deps: ProxyDeps): Router<RequestState> {
  const router = new Router<RequestState>();
  router.use(async (ctx, next) => {
    ctx.set('Access-Control-Allow-Origin', '*');
    ctx.set('Access-Control-Expose-Headers', EXPOSED);
    ctx.set('Timing-Allow-Origin', '*');
    await next();
  });
  const preflight = (ctx: Ctx) => {
    ctx.set('Access-Control-Allow-Methods', 'GET, HEAD, OPTIONS');
    ctx.set('Access-Control-Allow-Headers', 'Range, If-Range, X-Correlation-Id, X-Telemetry-Session');
    ctx.set('Access-Control-Max-Age', '86400');
    ctx.status = 204;
  };
  router.options('/', preflight);
  router.options('/records/:cid', preflight);
  router.get('/records/:cid', (ctx) => {
    const cid = ctx.params.cid!;
    if (!CID.test(cid)) throw new HttpError(400, 'invalid_input', 'A correlation id is 8–64 letters, digits, "-" or "_".');
    ctx.body = { correlation_id: cid, records: deps.records.get(cid) };
  });
  router.get('/', (ctx) => proxyRequest(ctx as Ctx, deps));
  return router;
}

async function proxyRequest(ctx: Ctx, deps: ProxyDeps): Promise<void> {
  const began = performance.now();
  const cidParam = ctx.query.cid;
  const cid = typeof cidParam === 'string' && CID.test(cidParam) ? cidParam : ctx.state.correlationId;
  ctx.set('X-Correlation-Id', cid);
  const record: ProxyRecord = {
    correlation_id: cid,
    media_url_hash: '',
    method: ctx.method,
    range: ctx.get('Range') || null,
    status: 0,
    upstream_status: null,
    content_range: null,
    content_length: null,
    content_type: null,
    bytes_sent: 0,
    bytes_received: 0,
    cache: 'BYPASS',
    classification: null,
    outcome: 'complete',
    layout: null,
    range_emulated: false,
    redirects: 0,
    timings: { total: 0 },
    at: 0,
  };
  // The body may still be moving when this function returns: the record is written once the response closed and the body settled.
  let body: Promise<unknown> = Promise.resolve();
  ctx.res.once('close', () => {
    void body.then(() => {
      record.status = ctx.status;
      if (!ctx.res.writableFinished && record.outcome === 'complete') record.outcome = 'client_aborted';
      record.content_range = (ctx.response.get('Content-Range') as string) || null;
      const length = Number(ctx.response.get('Content-Length'));
      record.content_length = ctx.response.get('Content-Length') === '' || !Number.isFinite(length) ? null : length;
      const type = (ctx.response.get('Content-Type') as string) || null;
      record.content_type = record.outcome === 'refused' || type?.startsWith('application/json') ? null : type;
      record.timings.total = round(performance.now() - began);
      record.at = Date.now();
      deps.records.add(record);
      ctx.state.telemetry?.emit('video_proxy_response', cid, { ...record });
      const fields = { cid, url_hash: record.media_url_hash, status: record.status, classification: record.classification, outcome: record.outcome, cache: record.cache, bytes_sent: record.bytes_sent };
      if (record.classification && record.outcome !== 'refused') deps.log.warn('media response failed', fields);
      else deps.log.debug('media response', fields);
    });
  });

  try {
    const raw = ctx.query.url;
    if (Array.isArray(raw)) throw new ProxyError('bad_url', 400, 'Give one "url" parameter.');
    if (typeof raw !== 'string' || raw === '') throw new ProxyError('bad_url', 400, 'The "url" parameter (the encoded upstream media URL) is required.');
    if (raw.length <= 4096) record.media_url_hash = urlHash(raw);
    const url = checkUrl(raw, deps.policy);
    record.media_url_hash = urlHash(url.href);
    const key = cacheKey(url.href);
    const cached = deps.cache.get(key);
    if (cached) return await serveCached(ctx, cached, 'HIT', record, (p) => (body = p));
    const filling = deps.cache.pending(key);
    if (filling) {
      const started = performance.now();
      const entry = await filling.catch(() => undefined);
      if (entry) {
        record.timings.cache_fill = round(performance.now() - started);
        return await serveCached(ctx, entry, 'MISS', record, (p) => (body = p));
      }
    }
    await relay(ctx, url, key, parseRange(ctx.get('Range')), record, deps, (p) => (body = p), began);
  } catch (error) {
    if (!(error instanceof ProxyError)) {
      // A bug or a local failure (disk full): the host answers 500 and logs it; the record says refused.
      record.outcome = 'refused';
      throw error;
    }
    record.classification = error.code;
    record.outcome = 'refused';
    if (error.status === 499) return; // the client is gone: nobody to answer
    ctx.status = error.status;
    ctx.set('X-Proxy-Error', error.code);
    for (const [name, value] of Object.entries(error.headers)) ctx.set(name, value);
    ctx.body = { error: { code: error.code, message: error.message } };
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function setTimings(ctx: Ctx, record: ProxyRecord, timings: UpstreamTimings, redirects: number): void {
  record.timings = { ...record.timings, dns: round(timings.dns), connect: round(timings.connect), ttfb: round(timings.ttfb), ...(timings.tls !== undefined ? { tls: round(timings.tls) } : {}) };
  record.redirects = redirects;
  ctx.append('Server-Timing', `dns;dur=${timings.dns.toFixed(1)}`);
  ctx.append('Server-Timing', `connect;dur=${timings.connect.toFixed(1)}`);
  if (timings.tls !== undefined) ctx.append('Server-Timing', `tls;dur=${timings.tls.toFixed(1)}`);
  ctx.append('Server-Timing', `ttfb;dur=${timings.ttfb.toFixed(1)}`);
}

interface Plan {
  status: 200 | 206;
  contentRange?: string;
  length?: number;
  /** Total size of the file, when known. */
  total?: number;
  skip: number;
  count?: number;
  expected?: number;
}

/** What to answer, from the upstream answer and what the client asked for. Throws a ProxyError when upstream broke the rules. */
function plan(up: Upstream, requested: ByteRange | undefined, record: ProxyRecord): Plan {
  const status = up.res.statusCode ?? 0;
  const declared = lengthOf(up.res.headers['content-length']);
  if (status === 206) {
    if (!requested) throw new ProxyError('range_violation', 502, 'The media host answered 206 to a request without a Range.');
    const problem = partialProblem(requested, up.res.headers['content-range'], declared);
    if (problem) throw new ProxyError('range_violation', 502, `The media host's partial answer is inconsistent: ${problem}.`);
    const cr = parseContentRange(up.res.headers['content-range'])!;
    const length = cr.end - cr.start + 1;
    return { status: 206, contentRange: `bytes ${cr.start}-${cr.end}/${cr.total ?? '*'}`, length, ...(cr.total !== undefined ? { total: cr.total } : {}), skip: 0, expected: length };
  }
  if (status !== 200) throw upstreamError(status, up.res.headers['content-range'], declared);
  if (requested && declared !== undefined) {
    // Upstream ignored the Range: serve the range from its full answer, so seeking still works.
    const selected = resolveRange(requested, declared);
    if (!selected) throw new ProxyError('range_not_satisfiable', 416, `The requested range is outside the media file (${declared} bytes).`, { 'Content-Range': `bytes */${declared}` });
    record.range_emulated = true;
    const length = selected.end - selected.start + 1;
    return { status: 206, contentRange: `bytes ${selected.start}-${selected.end}/${declared}`, length, total: declared, skip: selected.start, count: length, expected: declared };
  }
  return { status: 200, ...(declared !== undefined ? { length: declared, total: declared, expected: declared } : {}), skip: 0 };
}

async function relay(ctx: Ctx, url: URL, key: string, requested: ByteRange | undefined, record: ProxyRecord, deps: ProxyDeps, setBody: (p: Promise<unknown>) => void, began: number): Promise<void> {
  const abort = new AbortController();
  const onGone = () => {
    if (!ctx.res.writableFinished) abort.abort();
  };
  ctx.res.once('close', onGone);
  const up = await openUpstream(url, { method: ctx.method === 'HEAD' ? 'HEAD' : 'GET', ...(requested ? { range: rangeHeader(requested) } : {}), signal: abort.signal }, deps.policy);
  const stop = () => up.req.destroy();
  try {
    record.upstream_status = up.res.statusCode ?? null;
    ctx.set('X-Proxy-Upstream-Status', String(up.res.statusCode));
    setTimings(ctx, record, up.timings, up.redirects);
    const answer = plan(up, requested, record);

    let head: Buffer | undefined;
    let ended = false;
    const fromStart = answer.skip === 0 && (answer.status === 200 || answer.contentRange?.startsWith('bytes 0-'));
    const type = up.res.headers['content-type'] ?? '';
    if (ctx.method === 'GET' && deps.cache.maxBytes > 0 && fromStart && (MP4_TYPES.test(type) || MP4_NAMES.test(url.pathname))) {
      const peeked = await peek(up.res, PEEK_BYTES, deps.policy.idleTimeoutMs, (bytes) => detectLayout(bytes, answer.total) !== 'unknown');
      if (peeked.timedOut) throw new ProxyError('upstream_timeout', 504, `The media host sent nothing for ${deps.policy.idleTimeoutMs} ms.`);
      if (peeked.broken) throw new ProxyError('upstream_truncated', 502, 'The media host closed the connection before the first bytes.');
      head = peeked.head;
      ended = peeked.ended;
      record.layout = detectLayout(head, answer.total);
      if (record.layout === 'moov-at-end') {
        if (answer.total !== undefined && answer.total <= deps.fileMaxBytes && answer.total <= deps.cache.maxBytes) {
          stop();
          const started = performance.now();
          const entry = await fillCache(url, key, deps);
          record.timings.cache_fill = round(performance.now() - started);
          return await serveCached(ctx, entry, 'MISS', record, setBody);
        }
        // Passed through as it is: it plays, but only once the browser has fetched moov from the end.
        record.classification = 'too_large_for_cache';
        ctx.set('X-Proxy-Error', 'too_large_for_cache');
      }
    }

    ctx.set('X-Proxy-Cache', 'BYPASS');
    ctx.status = answer.status;
    ctx.type = type || 'application/octet-stream';
    ctx.set('Accept-Ranges', 'bytes');
    if (answer.contentRange) ctx.set('Content-Range', answer.contentRange);
    for (const name of ['etag', 'last-modified'] as const) {
      const value = up.res.headers[name];
      if (value) ctx.set(name === 'etag' ? 'ETag' : 'Last-Modified', value);
    }
    if (ctx.method === 'HEAD') {
      if (answer.length !== undefined) ctx.length = answer.length;
      up.res.resume();
      return;
    }
    if (answer.length !== undefined) ctx.length = answer.length;
    // The body goes straight from the upstream socket to the client's, with no stream in between:
    // Koa does not respond for us, the status and headers set above go out with the first bytes.
    ctx.respond = false;
    // Sent now, so the app's own timing (appended after this returns) cannot race the first body bytes.
    ctx.append('Server-Timing', `total;dur=${(performance.now() - began).toFixed(2)}`);
    ctx.res.flushHeaders();
    const flow = pump(up.res, stop, ctx.res, {
      ...(head ? { head } : {}),
      ended,
      skip: answer.skip,
      ...(answer.count !== undefined ? { count: answer.count } : {}),
      ...(answer.expected !== undefined ? { expected: answer.expected } : {}),
      idleTimeoutMs: deps.policy.idleTimeoutMs,
    });
    ctx.res.once('close', () => {
      if (!ctx.res.writableFinished) flow.cancel('client_aborted');
    });
    setBody(
      flow.done.then((result) => {
        record.bytes_sent = result.sent;
        record.bytes_received = result.received;
        if (!result.failure) return;
        if (result.failure === 'client_aborted') {
          record.outcome = 'client_aborted';
          return;
        }
        record.classification = result.failure;
        record.outcome = 'failed';
        // Headers are gone already: cut the connection so the browser sees a network error, never a complete short file.
        ctx.res.destroy();
      }),
    );
  } catch (error) {
    stop();
    throw error;
  }
}
