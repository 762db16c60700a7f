import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app';
import { loadConfig } from './config';
import { createLogger } from './log';
import { indexBuild } from './static-files';

const SECRET = 'TOP-SECRET-DO-NOT-SERVE';
const PLAY_HTML = '<!doctype html><title>Patchroom player</title><script type="module" src="/assets/x-abc123.js"></script>';
const FRAME_HTML = '<!doctype html><title>sandbox</title><script src="frame.js"></script>';

let root: string;
let clientDir: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'patchroom-app-'));
  clientDir = join(root, 'client');
  mkdirSync(join(clientDir, 'sandbox'), { recursive: true });
  mkdirSync(join(clientDir, 'assets'), { recursive: true });
  writeFileSync(join(clientDir, 'play.html'), PLAY_HTML);
  writeFileSync(join(clientDir, 'sandbox', 'frame.html'), FRAME_HTML);
  writeFileSync(join(clientDir, 'sandbox', 'frame.js'), 'console.log("frame");');
  writeFileSync(join(clientDir, 'assets', 'x-abc123.js'), 'export const x = 1;');
  writeFileSync(join(root, 'secret.txt'), SECRET);
  writeFileSync(join(clientDir, 'secret.txt.map'), '{}');
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

const logLines: string[] = [];
let server: Server | undefined;
let base = '';

async function start(dir = clientDir) {
  const config = loadConfig({ CLIENT_DIR: dir, PORT: '0' });
  const app = createApp(config, createLogger('info', (line) => logLines.push(line)));
  server = createServer(app.callback());
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  return port;
}

afterEach(async () => {
  if (server) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
  }
  logLines.length = 0;
});

/** A request with the path sent exactly as given (fetch would normalise dots and slashes). */
function raw(path: string, method = 'GET', headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  const { port } = server!.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('createApp', () => {
  it('throws a clear error when the build is missing or incomplete', () => {
    const log = createLogger('error', () => {});
    const missing = join(root, 'no-such-build');
    expect(() => createApp(loadConfig({ CLIENT_DIR: missing }), log)).toThrow(`No built player in ${missing}: run \`npm run build\` first.`);
    const partial = join(root, 'partial');
    mkdirSync(partial, { recursive: true });
    writeFileSync(join(partial, 'play.html'), PLAY_HTML);
    expect(() => createApp(loadConfig({ CLIENT_DIR: partial }), log)).toThrow(`No built player in ${partial}`);
  });
});

describe('the app: pages and headers', () => {
  it('serves play.html at /play and /play/<room> with the app CSP', async () => {
    await start();
    for (const path of ['/play', '/play/', '/play/room-1', '/play/room_2/']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(200);
      expect(await res.text()).toBe(PLAY_HTML);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
      expect(csp).not.toContain("'unsafe-eval'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("frame-ancestors 'self'");
      expect(csp).toContain("worker-src 'self' blob:");
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('cache-control')).toBe('no-cache');
    }
  });

  it('does not route room names that are not ids', async () => {
    await start();
    expect((await fetch(`${base}/play/room.1`)).status).toBe(404);
    expect((await fetch(`${base}/play/a/b`)).status).toBe(404);
    expect((await fetch(`${base}/play/${'r'.repeat(65)}`)).status).toBe(404);
  });

  it('redirects / to /play', async () => {
    await start();
    const res = await fetch(`${base}/`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/play');
  });

  it('serves the sandbox frame with a sandboxing CSP and no referrer', async () => {
    await start();
    const res = await fetch(`${base}/sandbox/frame.html`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(FRAME_HTML);
    expect(res.headers.get('content-security-policy')).toBe('sandbox allow-scripts');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-frame-options')).toBeNull();
    const script = await fetch(`${base}/sandbox/frame.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('content-security-policy')).toBeNull();
  });

  it('caches hashed assets for a year and revalidates everything else', async () => {
    await start();
    const asset = await fetch(`${base}/assets/x-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await asset.text()).toBe('export const x = 1;');
    expect((await fetch(`${base}/sandbox/frame.js`)).headers.get('cache-control')).toBe('no-cache');
    expect((await fetch(`${base}/play.html`)).headers.get('cache-control')).toBe('no-cache');
  });

  it('answers If-None-Match with 304 and no body, and a changed file with 200', async () => {
    await start();
    const first = await fetch(`${base}/assets/x-abc123.js`);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^W\/"[0-9a-f]+-[0-9a-f]+"$/);
    expect(first.headers.get('last-modified')).toBeTruthy();
    const again = await raw('/assets/x-abc123.js', 'GET', { 'If-None-Match': etag! });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
    const page = await fetch(`${base}/play/room-1`);
    const revalidated = await raw('/play/room-1', 'GET', { 'If-None-Match': page.headers.get('etag')! });
    expect(revalidated.status).toBe(304);
    // a rebuild changes the file: the old tag no longer matches
    const file = join(clientDir, 'sandbox', 'frame.js');
    const before = await fetch(`${base}/sandbox/frame.js`);
    writeFileSync(file, 'console.log("frame, rebuilt");');
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const after = await raw('/sandbox/frame.js', 'GET', { 'If-None-Match': before.headers.get('etag')! });
    expect(after.status).toBe(200);
    expect(after.body).toBe('console.log("frame, rebuilt");');
  });

  it('answers HEAD like GET, without a body', async () => {
    await start();
    const res = await raw('/play/room-1', 'HEAD');
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(PLAY_HTML)));
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('answers /healthz and /readyz with {ok:true}', async () => {
    await start();
    for (const path of ['/healthz', '/readyz']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: true });
    }
  });

  it('gives every response a request id and logs it as a JSON line', async () => {
    await start();
    const res = await fetch(`${base}/healthz`);
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const entry = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).find((e) => e.request_id === id);
    expect(entry).toMatchObject({ level: 'info', msg: 'request', method: 'GET', path: '/healthz', status: 200 });
  });
});

describe('the app: errors and path traversal', () => {
  it('answers unknown paths with a 404 JSON error', async () => {
    await start();
    const res = await fetch(`${base}/nope/missing.js`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'Nothing at GET /nope/missing.js.' } });
  });

  it('does not serve files for other methods', async () => {
    await start();
    const res = await raw('/play.html', 'POST');
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body)).toEqual({ error: { code: 'not_found', message: 'Nothing at POST /play.html.' } });
  });

  it.each([
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E/secret.txt',
    '/sandbox/../../secret.txt',
    '/sandbox/..%2f..%2fsecret.txt',
    '/sandbox/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/assets/..%5c..%5csecret.txt',
    '/..\\secret.txt',
    '/sandbox\\..\\..\\secret.txt',
    '//etc/passwd',
    '/..%2f..%2f..%2f..%2fetc%2fpasswd',
    '/%00/../secret.txt',
    '/play/../../secret.txt',
    '/secret.txt',
  ])('never serves anything outside the build for %s', async (path) => {
    await start();
    const res = await raw(path);
    expect(res.body).not.toContain(SECRET);
    expect(res.body).not.toMatch(/root:.*:0:0:/);
    expect([400, 404]).toContain(res.status);
    expect(res.status === 404 ? JSON.parse(res.body) : {}).toEqual(res.status === 404 ? { error: { code: 'not_found', message: expect.any(String) } } : {});
  });

  it('serves a file added after start only from the index taken at start', async () => {
    await start();
    writeFileSync(join(clientDir, 'late.html'), '<p>late</p>');
    expect((await fetch(`${base}/late.html`)).status).toBe(404);
    rmSync(join(clientDir, 'late.html'));
  });

  it('answers 404, not 500, when an indexed file disappears', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'patchroom-gone-'));
    mkdirSync(join(dir, 'sandbox'));
    writeFileSync(join(dir, 'play.html'), PLAY_HTML);
    writeFileSync(join(dir, 'sandbox', 'frame.html'), FRAME_HTML);
    writeFileSync(join(dir, 'gone.js'), 'x');
    await start(dir);
    rmSync(join(dir, 'gone.js'));
    const res = await fetch(`${base}/gone.js`);
    expect(res.status).toBe(404);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('the app: compressed answers', () => {
  /** A request whose answer is kept as bytes, as sent (no transparent decompression). */
  function bytes(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
    const { port } = server!.address() as AddressInfo;
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end();
    });
  }
  /** Asks until the answer comes compressed (the first ones go out while the compressor works); brotli when `decodesTo` is given. */
  async function compressedAnswer(path: string, accept: string, decodesTo?: string) {
    for (let tries = 0; ; tries++) {
      const res = await bytes(path, { 'Accept-Encoding': accept });
      if (res.headers['content-encoding'] && (decodesTo === undefined || brotliDecompressSync(res.body).toString() === decodesTo)) return res;
      if (tries > 200) throw new Error(`${path} never came compressed for "${accept}"`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  const code = (n: number) => Array.from({ length: n }, (_, i) => `export const value${i} = osc(${i}, 0.1).kaleid(${i % 7}).out();`).join('\n');

  it('sends text files brotli- or gzip-compressed to clients that accept it, and as they are to others', async () => {
    const file = join(clientDir, 'assets', 'app-5e5e5e.js');
    const source = code(400);
    writeFileSync(file, source);
    try {
      await start();
      // The first answer does not wait for the compressor: it goes out as it is, compressed afterwards.
      const first = await bytes('/assets/app-5e5e5e.js', { 'Accept-Encoding': 'gzip, deflate, br' });
      expect(first.headers['content-encoding']).toBeUndefined();
      expect(first.body.toString()).toBe(source);
      const br = await compressedAnswer('/assets/app-5e5e5e.js', 'gzip, deflate, br');
      expect(br.status).toBe(200);
      expect(br.headers['content-encoding']).toBe('br');
      expect(br.headers.vary).toBe('Accept-Encoding');
      expect(br.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect(Number(br.headers['content-length'])).toBe(br.body.length);
      expect(br.body.length).toBeLessThan(Buffer.byteLength(source) / 5);
      expect(brotliDecompressSync(br.body).toString()).toBe(source);

      const gz = await compressedAnswer('/assets/app-5e5e5e.js', 'gzip');
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(gz.body).toString()).toBe(source);

      const plain = await bytes('/assets/app-5e5e5e.js');
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.headers.vary).toBe('Accept-Encoding');
      expect(plain.body.toString()).toBe(source);

      // Each encoding is its own representation: its tag revalidates it, and only it.
      expect(br.headers.etag).not.toBe(plain.headers.etag);
      expect((await bytes('/assets/app-5e5e5e.js', { 'Accept-Encoding': 'br', 'If-None-Match': br.headers.etag! })).status).toBe(304);
      expect((await bytes('/assets/app-5e5e5e.js', { 'If-None-Match': br.headers.etag! })).status).toBe(200);

      const head = await bytes('/assets/app-5e5e5e.js', { 'Accept-Encoding': 'br' }, 'HEAD');
      expect(head.body.length).toBe(0);
      expect(head.headers['content-length']).toBe(br.headers['content-length']);

      // A rebuild is compressed afresh.
      const rebuilt = code(401);
      writeFileSync(file, rebuilt);
      utimesSync(file, new Date(), new Date(Date.now() + 5000));
      await compressedAnswer('/assets/app-5e5e5e.js', 'br', rebuilt);
    } finally {
      rmSync(file);
    }
  });

  it('leaves small files and media as they are', async () => {
    await start();
    const small = await bytes('/play.html', { 'Accept-Encoding': 'br' });
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.headers.vary).toBeUndefined();
    expect(small.body.toString()).toBe(PLAY_HTML);
  });
});

describe('indexBuild', () => {
  it('lists every file under URL paths with its type', () => {
    const files = indexBuild(clientDir);
    expect([...files.keys()].sort()).toEqual(['/assets/x-abc123.js', '/play.html', '/sandbox/frame.html', '/sandbox/frame.js', '/secret.txt.map']);
    expect(files.get('/play.html')).toMatchObject({ path: join(clientDir, 'play.html'), size: Buffer.byteLength(PLAY_HTML), type: 'text/html; charset=utf-8' });
    expect(files.get('/secret.txt.map')!.type).toBe('application/json; charset=utf-8');
  });
});

describe('the app: clients that go away', () => {
  it('logs a download cut short as JSON at debug, never as a bare stack trace on stderr', async () => {
    const big = join(clientDir, 'assets', 'big-0123.js');
    writeFileSync(big, 'x'.repeat(8 * 1024 * 1024));
    const dir = clientDir;
    const lines: string[] = [];
    const app = createApp(loadConfig({ CLIENT_DIR: dir }), createLogger('debug', (line) => lines.push(line)));
    const stderr: string[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void stderr.push(args.join(' '));
    const local = createServer(app.callback());
    try {
      await new Promise<void>((resolve) => local.listen(0, '127.0.0.1', resolve));
      const { port } = local.address() as AddressInfo;
      await new Promise<void>((resolve) => {
        const req = request({ host: '127.0.0.1', port, path: '/assets/big-0123.js' }, (res) => {
          res.once('data', () => {
            req.destroy();
            setTimeout(resolve, 100);
          });
        });
        req.on('error', () => {});
        req.end();
      });
    } finally {
      console.error = original;
      local.closeAllConnections();
      await new Promise<void>((resolve) => local.close(() => resolve()));
      rmSync(big);
    }
    expect(stderr).toEqual([]);
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries.filter((e) => e.level === 'error')).toEqual([]);
    expect(entries.find((e) => e.msg === 'client went away')).toMatchObject({ level: 'debug', path: '/assets/big-0123.js' });
  });
});

describe('the app: the studio page', () => {
  it('serves studio.html at /studio and /studio/<room> when the build has it, and 404 when not', async () => {
    await start();
    expect((await fetch(`${base}/studio`)).status).toBe(404);
    server!.closeAllConnections();
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    const dir = mkdtempSync(join(tmpdir(), 'patchroom-studio-'));
    mkdirSync(join(dir, 'sandbox'));
    writeFileSync(join(dir, 'play.html'), PLAY_HTML);
    writeFileSync(join(dir, 'sandbox', 'frame.html'), FRAME_HTML);
    writeFileSync(join(dir, 'studio.html'), '<!doctype html><title>studio</title>');
    await start(dir);
    for (const path of ['/studio', '/studio/', '/studio/room-1']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(200);
      expect(await res.text()).toContain('<title>studio</title>');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(res.headers.get('cache-control')).toBe('no-cache');
    }
    expect((await fetch(`${base}/studio/a/b`)).status).toBe(404);
    rmSync(dir, { recursive: true, force: true });
  });
});
