import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test-harness';
import { detectLayout, verifyMp4 } from './server/mp4-boxes';
import { startFakeUpstream, type FakeUpstream } from './test-support/fake-upstream';
import { rawRequest, type RawResponse } from './test-support/raw-client';

const fixtures = join(import.meta.dirname, 'fixtures');
const fixture = (name: string) => readFileSync(join(fixtures, name));
const FAST = fixture('faststart.mp4');
const MOOV_END = fixture('moov-at-end.mp4');
const IDLE_MS = 600;
const BASE_ENV = {
  MEDIA_ALLOWED_HOSTS: '127.0.0.1,localhost,10.1.2.3',
  MEDIA_ALLOWED_PORTS: '*',
  MEDIA_ALLOW_LOOPBACK: '1',
  MEDIA_IDLE_TIMEOUT_MS: String(IDLE_MS),
  MEDIA_MAX_REDIRECTS: '3',
};

let upstream: FakeUpstream;
let server: TestServer;
let seq = 0;

const tcpSockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
let baseline = 0;

async function until(check: () => boolean, what: string, ms = 3000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A fresh correlation id per request, so each test reads its own records. */
const newCid = () => `test-cid-${Date.now().toString(36)}-${++seq}`;

function proxied(target: string, cid = newCid(), base = server.url) {
  return `${base}/api/media-proxy?url=${encodeURIComponent(target)}&cid=${cid}`;
}

async function get(target: string, options: { headers?: Record<string, string>; method?: string; abortAfterBytes?: number; cid?: string; base?: string } = {}): Promise<RawResponse & { cid: string }> {
  const cid = options.cid ?? newCid();
  const res = await rawRequest(proxied(target, cid, options.base), options);
  return { ...res, cid };
}

/** The records the proxy kept for a correlation id, once the response has been fully accounted for. */
async function records(cid: string, base = server.url, count = 1) {
  let list: any[] = [];
  for (let i = 0; i < 100 && list.length < count; i++) {
    const res = await rawRequest(`${base}/api/media-proxy/records/${cid}`);
    list = (JSON.parse(res.body.toString()) as { records: any[] }).records;
    if (list.length < count) await new Promise((r) => setTimeout(r, 20));
  }
  return list;
}

const header = (res: RawResponse, name: string) => res.headers[name.toLowerCase()] as string | undefined;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  server = await startTestServer({ env: BASE_ENV });
  baseline = tcpSockets();
});
afterAll(async () => {
  await server.destroy();
  await upstream.close();
});
afterEach(async () => {
  // Every connection to upstream and from the test client is closed again: nothing leaks.
  await until(() => upstream.openConnections() === 0, 'upstream connections to close');
  await until(() => tcpSockets() <= baseline, 'sockets to return to the baseline');
});

describe('GET /api/media-proxy: a well-behaved upstream', () => {
  it('streams the file with CORS for any origin, diagnostics, a record and a telemetry event', async () => {
    const res = await get(upstream.url('faststart.mp4'), { headers: { Origin: 'null' } });
    expect(res.status).toBe(200);
    expect(res.body.equals(FAST)).toBe(true);
    expect(header(res, 'access-control-allow-origin')).toBe('*');
    expect(header(res, 'access-control-expose-headers')).toMatch(/X-Proxy-Error/);
    expect(header(res, 'access-control-expose-headers')).toMatch(/Content-Range/);
    expect(header(res, 'content-type')).toBe('video/mp4');
    expect(header(res, 'content-length')).toBe(String(FAST.length));
    expect(header(res, 'accept-ranges')).toBe('bytes');
    expect(header(res, 'etag')).toBe(`"fake-${FAST.length}"`);
    expect(header(res, 'last-modified')).toBeDefined();
    expect(header(res, 'x-proxy-upstream-status')).toBe('200');
    expect(header(res, 'x-proxy-cache')).toBe('BYPASS');
    expect(header(res, 'x-proxy-error')).toBeUndefined();
    expect(header(res, 'x-correlation-id')).toBe(res.cid);
    expect(header(res, 'server-timing')).toMatch(/dns;dur=.*connect;dur=.*ttfb;dur=.*total;dur=/);

    const [record] = await records(res.cid);
    expect(record).toMatchObject({ status: 200, upstream_status: 200, bytes_sent: FAST.length, bytes_received: FAST.length, cache: 'BYPASS', classification: null, outcome: 'complete', layout: 'moov-first', content_length: FAST.length, content_type: 'video/mp4' });
    expect(record.media_url_hash).toMatch(/^[0-9a-f]{16}$/);
    expect(JSON.stringify(record)).not.toContain('127.0.0.1');
    expect(record.timings.ttfb).toBeGreaterThan(0);

    const db = new Database(join(server.dataDir, 'patchroom.db'), { readonly: true });
    try {
      const row = db.prepare("SELECT event FROM server_telemetry_events WHERE name = 'video_proxy_response' AND correlation_id = ?").get(res.cid) as { event: string } | undefined;
      expect(JSON.parse(row!.event)).toMatchObject({ status: 200, bytes_sent: FAST.length, correlation_id: res.cid, media_url_hash: record.media_url_hash });
    } finally {
      db.close();
    }
  });

  it('passes a Range upstream and answers 206 with its Content-Range', async () => {
    const res = await get(upstream.url('faststart.mp4', { t: 'range' }), { headers: { Range: 'bytes=100-199' } });
    expect(res.status).toBe(206);
    expect(header(res, 'content-range')).toBe(`bytes 100-199/${FAST.length}`);
    expect(res.body.equals(FAST.subarray(100, 200))).toBe(true);
    expect(upstream.requests.at(-1)).toMatchObject({ range: 'bytes=100-199' });
    expect(header(res, 'access-control-allow-origin')).toBe('*');
    const suffix = await get(upstream.url('faststart.mp4', { t: 'suffix' }), { headers: { Range: 'bytes=-100' } });
    expect(suffix.status).toBe(206);
    expect(suffix.body.equals(FAST.subarray(FAST.length - 100))).toBe(true);
  });

  it('answers HEAD with the length and no body, and a CORS preflight with 204', async () => {
    const head = await get(upstream.url('vp9.webm'), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(header(head, 'content-length')).toBe(String(fixture('vp9.webm').length));
    expect(head.body.length).toBe(0);
    const pre = await rawRequest(`${server.url}/api/media-proxy?url=x`, { method: 'OPTIONS', headers: { Origin: 'null', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'range' } });
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('*');
    expect(pre.headers['access-control-allow-headers']).toMatch(/Range/);
  });

  it('serves WebM as it comes (never cached)', async () => {
    const res = await get(upstream.url('vp9.webm'));
    expect(res.status).toBe(200);
    expect(res.body.equals(fixture('vp9.webm'))).toBe(true);
    expect(header(res, 'x-proxy-cache')).toBe('BYPASS');
  });

  it('closes the upstream request when the client hangs up', async () => {
    const big = Buffer.alloc(4 * 1024 * 1024, 7);
    upstream.addFile('big.bin', big);
    const res = await get(upstream.url('big.bin', { fault: 'trickle', chunk: 65536, every: 10 }), { abortAfterBytes: 100_000 });
    expect(res.error).toBeDefined();
    await until(() => upstream.openConnections() === 0, 'the upstream request to close');
    const [record] = await records(res.cid);
    expect(record.outcome).toBe('client_aborted');
    expect(record.bytes_sent).toBeLessThan(big.length);
  });
});

describe('upstream faults, each classified', () => {
  it('slow first byte beyond the idle timeout: 504 upstream_timeout', async () => {
    const res = await get(upstream.url('faststart.mp4', { fault: 'slow-first-byte', delay: IDLE_MS * 3 }));
    expect(res.status).toBe(504);
    expect(header(res, 'x-proxy-error')).toBe('upstream_timeout');
    expect(header(res, 'access-control-allow-origin')).toBe('*');
    expect(JSON.parse(res.body.toString())).toMatchObject({ error: { code: 'upstream_timeout' } });
    expect((await records(res.cid))[0]).toMatchObject({ status: 504, classification: 'upstream_timeout', outcome: 'refused', content_type: null });
  });

  it('slow first byte within the idle timeout: served', async () => {
    const res = await get(upstream.url('faststart.mp4', { fault: 'slow-first-byte', delay: IDLE_MS / 3 }));
    expect(res.status).toBe(200);
    expect(res.body.equals(FAST)).toBe(true);
  });

  it('a slow trickle that takes longer than the idle timeout in total still completes (idle, not total)', async () => {
    const started = Date.now();
    const res = await get(upstream.url('faststart.mp4', { fault: 'trickle', chunk: 1500, every: IDLE_MS / 4 }));
    expect(Date.now() - started).toBeGreaterThan(IDLE_MS * 1.5);
    expect(res.status).toBe(200);
    expect(res.error).toBeUndefined();
    expect(res.body.equals(FAST)).toBe(true);
    expect((await records(res.cid))[0]).toMatchObject({ classification: null, outcome: 'complete' });
  });

  it('a stall mid-stream: the client connection is cut, the record says upstream_timeout', async () => {
    const res = await get(upstream.url('faststart.mp4', { fault: 'stall' }));
    expect(res.status).toBe(200);
    expect(res.error).toBeDefined();
    expect(res.body.length).toBeLessThan(FAST.length);
    expect((await records(res.cid))[0]).toMatchObject({ classification: 'upstream_timeout', outcome: 'failed', bytes_sent: res.body.length });
  });

  it('a truncated body: never passed on as complete, classified upstream_truncated', async () => {
    const res = await get(upstream.url('vp9.webm', { fault: 'truncate' }));
    expect(res.status).toBe(200);
    expect(res.error).toBeDefined();
    expect(res.body.length).toBeLessThan(fixture('vp9.webm').length);
    expect((await records(res.cid))[0]).toMatchObject({ classification: 'upstream_truncated', outcome: 'failed' });
  });

  it('no Range support (always 200): the proxy serves the asked range itself', async () => {
    const res = await get(upstream.url('faststart.mp4', { fault: 'no-range' }), { headers: { Range: 'bytes=1000-1999' } });
    expect(res.status).toBe(206);
    expect(header(res, 'content-range')).toBe(`bytes 1000-1999/${FAST.length}`);
    expect(res.body.equals(FAST.subarray(1000, 2000))).toBe(true);
    expect(header(res, 'x-proxy-upstream-status')).toBe('200');
    expect((await records(res.cid))[0]).toMatchObject({ range_emulated: true, classification: null, bytes_sent: 1000 });
  });

  it('a wrong Content-Range: 502 range_violation', async () => {
    const res = await get(upstream.url('faststart.mp4', { fault: 'wrong-range' }), { headers: { Range: 'bytes=100-199' } });
    expect(res.status).toBe(502);
    expect(header(res, 'x-proxy-error')).toBe('range_violation');
    expect(JSON.parse(res.body.toString()).error.code).toBe('range_violation');
  });

  it('missing CORS upstream: the proxy adds its own', async () => {
    const res = await get(upstream.url('faststart.mp4', { fault: 'no-cors' }), { headers: { Range: 'bytes=0-99' } });
    expect(res.status).toBe(206);
    expect(header(res, 'access-control-allow-origin')).toBe('*');
  });

  it('5xx and 404 upstream: upstream_http_error with the upstream status in a header', async () => {
    const five = await get(upstream.url('faststart.mp4', { fault: 'status', code: 503 }));
    expect(five.status).toBe(502);
    expect(header(five, 'x-proxy-error')).toBe('upstream_http_error');
    expect(header(five, 'x-proxy-upstream-status')).toBe('503');
    expect(header(five, 'access-control-allow-origin')).toBe('*');
    const missing = await get(upstream.url('nothing-here.mp4'));
    expect(missing.status).toBe(404);
    expect(header(missing, 'x-proxy-error')).toBe('upstream_http_error');
    const large = await get(upstream.url('faststart.mp4', { fault: 'status', code: 413 }));
    expect(large.status).toBe(502); // the proxy never answers 413 to a media request
  });

  it('416 upstream: 416 range_not_satisfiable with the Content-Range', async () => {
    const res = await get(upstream.url('faststart.mp4', { fault: '416' }), { headers: { Range: 'bytes=100-' } });
    expect(res.status).toBe(416);
    expect(header(res, 'x-proxy-error')).toBe('range_not_satisfiable');
    expect(header(res, 'content-range')).toBe(`bytes */${FAST.length}`);
  });

  it('a redirect to another allowed host is followed, and counted', async () => {
    const res = await get(upstream.url('faststart.mp4', { fault: 'redirect', to: upstream.url('faststart.mp4', {}, 'localhost') }));
    expect(res.status).toBe(200);
    expect(res.body.equals(FAST)).toBe(true);
    expect((await records(res.cid))[0]).toMatchObject({ redirects: 1 });
  });

  it('a redirect to a private address or a host off the list is refused', async () => {
    const priv = await get(upstream.url('faststart.mp4', { fault: 'redirect', to: 'http://10.1.2.3/secret' }));
    expect(priv.status).toBe(403);
    expect(header(priv, 'x-proxy-error')).toBe('private_address');
    const mapped = await get(upstream.url('faststart.mp4', { fault: 'redirect', to: 'http://169.254.169.254/latest/meta-data' }));
    expect(header(mapped, 'x-proxy-error')).toBe('host_not_allowed');
    const off = await get(upstream.url('faststart.mp4', { fault: 'redirect', to: 'https://example.com/x.mp4' }));
    expect(off.status).toBe(403);
    expect(header(off, 'x-proxy-error')).toBe('host_not_allowed');
  });

  it('endless redirects stop: too_many_redirects', async () => {
    const res = await get(upstream.url('faststart.mp4', { fault: 'redirect' }));
    expect(res.status).toBe(502);
    expect(header(res, 'x-proxy-error')).toBe('too_many_redirects');
  });
});

describe('requests the proxy refuses', () => {
  it('bad URLs: 400 bad_url; hosts off the list: 403 host_not_allowed; private addresses: 403 private_address', async () => {
    for (const target of ['ftp://127.0.0.1/a.mp4', 'not a url', 'file:///etc/passwd', `http://user:pw@127.0.0.1:${upstream.port}/media/faststart.mp4`]) {
      const res = await get(target);
      expect(res.status, target).toBe(400);
      expect(JSON.parse(res.body.toString()).error.code, target).toBe('bad_url');
    }
    const off = await get('https://example.org/video.mp4');
    expect(off.status).toBe(403);
    expect(JSON.parse(off.body.toString()).error.code).toBe('host_not_allowed');
    expect(header(off, 'access-control-allow-origin')).toBe('*');
    const priv = await get('http://10.1.2.3/video.mp4');
    expect(JSON.parse(priv.body.toString()).error.code).toBe('private_address');
    const none = await rawRequest(`${server.url}/api/media-proxy`);
    expect(none.status).toBe(400);
    expect(JSON.parse(none.body.toString()).error.code).toBe('bad_url');
  });

  it('an over-long URL: 414; over-long headers: 431; never 413', async () => {
    const long = await get(upstream.url('faststart.mp4', { pad: 'x'.repeat(5000) }));
    expect(long.status).toBe(414);
    expect(JSON.parse(long.body.toString()).error.code).toBe('url_too_long');
    const huge = await rawRequest(proxied(upstream.url('faststart.mp4')), { headers: { 'X-Filler': 'y'.repeat(20_000) } });
    expect(huge.status).toBe(431);
    expect(huge.headers['access-control-allow-origin']).toBe('*');
    expect(JSON.parse(huge.body.toString()).error.code).toBe('headers_too_large');
    const hugeUrl = await get(upstream.url('faststart.mp4', { pad: 'x'.repeat(20_000) }));
    expect(hugeUrl.status).toBe(431);
  });

  it('records: 400 for a malformed correlation id, an empty list for an unknown one', async () => {
    expect((await rawRequest(`${server.url}/api/media-proxy/records/bad!`)).status).toBe(400);
    const res = await rawRequest(`${server.url}/api/media-proxy/records/unknown-cid-123`);
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(JSON.parse(res.body.toString())).toEqual({ correlation_id: 'unknown-cid-123', records: [] });
  });
});

describe('without MEDIA_ALLOW_LOOPBACK', () => {
  it('refuses loopback, also behind a redirect', async () => {
    const strict = await startTestServer({ env: { ...BASE_ENV, MEDIA_ALLOW_LOOPBACK: '0' } });
    try {
      for (const target of [upstream.url('faststart.mp4'), upstream.url('faststart.mp4', {}, 'localhost'), `http://[::ffff:127.0.0.1]:${upstream.port}/media/faststart.mp4`]) {
        const res = await get(target, { base: strict.url });
        expect(res.status, target).toBeGreaterThanOrEqual(400);
        expect(['private_address', 'host_not_allowed'], target).toContain(header(res, 'x-proxy-error'));
      }
      const res = await get(upstream.url('faststart.mp4'), { base: strict.url });
      expect(header(res, 'x-proxy-error')).toBe('private_address');
      expect(upstream.requests.some((r) => r.path.includes('strict'))).toBe(false);
    } finally {
      await strict.destroy();
    }
  });
});

describe('cache-first faststart', () => {
  it('downloads a moov-at-end MP4 once for concurrent requests, serves it moov-first and identical in content', async () => {
    const target = upstream.url('moov-at-end.mp4', { v: 'concurrent' });
    const before = upstream.requests.length;
    const answers = await Promise.all([0, 1, 2].map(() => get(target, { headers: { Range: 'bytes=0-' } })));
    const fetched = upstream.requests.slice(before);
    // Each request peeked with its own Range; exactly one whole-file download was shared.
    expect(fetched.filter((r) => !r.range)).toHaveLength(1);
    for (const res of answers) {
      expect(res.status).toBe(206);
      expect(header(res, 'x-proxy-cache')).toBe('MISS');
      expect(header(res, 'x-proxy-faststart')).toBe('rewritten');
      expect(header(res, 'content-range')).toBe(`bytes 0-${MOOV_END.length - 1}/${MOOV_END.length}`);
      expect(header(res, 'access-control-allow-origin')).toBe('*');
      expect(res.body.length).toBe(MOOV_END.length);
      expect(detectLayout(res.body.subarray(0, 64))).toBe('moov-first');
    }
    const dir = mkdtempSync(join(tmpdir(), 'proxy-out-'));
    try {
      const out = join(dir, 'out.mp4');
      writeFileSync(out, answers[0]!.body);
      await verifyMp4(out, join(fixtures, 'moov-at-end.mp4'));
      if (existsSync('/usr/bin/ffmpeg')) {
        const frames = (path: string) => execFileSync('ffmpeg', ['-v', 'error', '-i', path, '-f', 'framemd5', '-'], { encoding: 'utf8' }).split('\n').filter((l) => l && !l.startsWith('#'));
        expect(frames(out)).toEqual(frames(join(fixtures, 'moov-at-end.mp4')));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const [record] = await records(answers[0]!.cid);
    expect(record).toMatchObject({ cache: 'MISS', layout: 'moov-at-end', classification: null, bytes_sent: MOOV_END.length });
    expect(record.timings.cache_fill).toBeGreaterThan(0);

    const again = await get(target);
    expect(again.status).toBe(200);
    expect(header(again, 'x-proxy-cache')).toBe('HIT');
    expect(again.body.equals(answers[0]!.body)).toBe(true);
    expect(upstream.requests.length).toBe(before + 4);
  });

  it('answers ranges from the cache: clamped end, suffix, past the end, If-Range, If-None-Match, HEAD', async () => {
    const target = upstream.url('moov-at-end.mp4', { v: 'ranges' });
    const first = await get(target);
    const file = first.body;
    const etag = header(first, 'etag')!;
    expect(etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+-[0-9a-f]+"$/);
    const size = file.length;

    const part = await get(target, { headers: { Range: 'bytes=100-199' } });
    expect([part.status, header(part, 'content-range'), header(part, 'content-length')]).toEqual([206, `bytes 100-199/${size}`, '100']);
    expect(part.body.equals(file.subarray(100, 200))).toBe(true);
    expect(header(part, 'x-proxy-cache')).toBe('HIT');

    const clamped = await get(target, { headers: { Range: `bytes=${size - 10}-${size * 10}` } });
    expect([clamped.status, header(clamped, 'content-range')]).toEqual([206, `bytes ${size - 10}-${size - 1}/${size}`]);
    expect(clamped.body.equals(file.subarray(size - 10))).toBe(true);

    const suffix = await get(target, { headers: { Range: 'bytes=-50' } });
    expect([suffix.status, header(suffix, 'content-range')]).toEqual([206, `bytes ${size - 50}-${size - 1}/${size}`]);
    expect(suffix.body.equals(file.subarray(size - 50))).toBe(true);

    const past = await get(target, { headers: { Range: `bytes=${size}-` } });
    expect([past.status, header(past, 'content-range'), header(past, 'x-proxy-error')]).toEqual([416, `bytes */${size}`, 'range_not_satisfiable']);

    const same = await get(target, { headers: { Range: 'bytes=0-9', 'If-Range': etag } });
    expect(same.status).toBe(206);
    const changed = await get(target, { headers: { Range: 'bytes=0-9', 'If-Range': '"something-else"' } });
    expect(changed.status).toBe(200);
    expect(changed.body.length).toBe(size);

    const fresh = await get(target, { headers: { 'If-None-Match': etag } });
    expect(fresh.status).toBe(304);

    const head = await get(target, { method: 'HEAD' });
    expect([head.status, header(head, 'content-length'), head.body.length]).toEqual([200, String(size), 0]);
  });

  it('passes broken files on as they are: a short but self-consistent file, a corrupted moov-at-end file (rewritten, same sample bytes)', async () => {
    const short = await get(upstream.url('truncated.mp4'));
    expect(short.status).toBe(200);
    expect(short.body.equals(fixture('truncated.mp4'))).toBe(true);
    expect((await records(short.cid))[0]).toMatchObject({ classification: null, outcome: 'complete' });
    const corrupted = await get(upstream.url('corrupted.mp4'));
    expect(corrupted.status).toBe(200);
    expect(header(corrupted, 'x-proxy-faststart')).toBe('rewritten');
    expect(detectLayout(corrupted.body.subarray(0, 64))).toBe('moov-first');
    expect(corrupted.body.length).toBe(fixture('corrupted.mp4').length);
  });

  it('a truncated download is not cached and is classified upstream_truncated', async () => {
    const res = await get(upstream.url('moov-at-end.mp4', { fault: 'truncate' }));
    expect(res.status).toBe(502);
    expect(header(res, 'x-proxy-error')).toBe('upstream_truncated');
    expect((await records(res.cid))[0]).toMatchObject({ classification: 'upstream_truncated', outcome: 'refused' });
    const files = readdirSync(join(server.dataDir, 'media-proxy')).filter((f) => f.endsWith('.media'));
    for (const f of files) expect(readFileSync(join(server.dataDir, 'media-proxy', f)).length).not.toBe(Math.floor(MOOV_END.length / 2));
  });
});

describe('cache limits', () => {
  it('evicts the least recently used file when the total passes the cap; passes a file over the per-file cap through', async () => {
    const small = await startTestServer({ env: { ...BASE_ENV, MEDIA_CACHE_MAX_BYTES: String(Math.floor(MOOV_END.length * 2.5)) } });
    try {
      const url = (v: string) => upstream.url('moov-at-end.mp4', { v });
      const cacheOf = async (v: string) => header(await get(url(v), { base: small.url }), 'x-proxy-cache');
      expect(await cacheOf('a')).toBe('MISS');
      expect(await cacheOf('b')).toBe('MISS');
      expect(await cacheOf('a')).toBe('HIT'); // a is now the most recently used
      expect(await cacheOf('c')).toBe('MISS'); // evicts b
      expect(readdirSync(join(small.dataDir, 'media-proxy')).filter((f) => f.endsWith('.media'))).toHaveLength(2);
      expect(await cacheOf('a')).toBe('HIT');
      expect(await cacheOf('c')).toBe('HIT');
      expect(await cacheOf('b')).toBe('MISS');
    } finally {
      await small.destroy();
    }

    const tiny = await startTestServer({ env: { ...BASE_ENV, MEDIA_CACHE_FILE_MAX_BYTES: '10000' } });
    try {
      const res = await get(upstream.url('moov-at-end.mp4', { v: 'big' }), { base: tiny.url });
      expect(res.status).toBe(200);
      expect(res.body.equals(MOOV_END)).toBe(true);
      expect(header(res, 'x-proxy-cache')).toBe('BYPASS');
      expect(header(res, 'x-proxy-error')).toBe('too_large_for_cache');
      expect((await records(res.cid, tiny.url))[0]).toMatchObject({ classification: 'too_large_for_cache', outcome: 'complete', layout: 'moov-at-end' });
    } finally {
      await tiny.destroy();
    }
  });

  it('keeps its cache across a restart', async () => {
    const first = await startTestServer({ env: BASE_ENV });
    const dataDir = first.dataDir;
    const target = upstream.url('moov-at-end.mp4', { v: 'restart' });
    try {
      expect(header(await get(target, { base: first.url }), 'x-proxy-cache')).toBe('MISS');
    } finally {
      await first.close();
    }
    const second = await startTestServer({ env: BASE_ENV, dataDir });
    try {
      const res = await get(target, { base: second.url });
      expect(header(res, 'x-proxy-cache')).toBe('HIT');
      expect(detectLayout(res.body.subarray(0, 64))).toBe('moov-first');
    } finally {
      await second.destroy();
    }
  });
});
