import { request } from 'node:http';
import Router from '@koa/router';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { defineServerPlugin, HttpError, type RequestState } from '../runtime/plugin/server';
import type { KoaServerPlugin } from './plugin-host';
import { serverPlugins } from './plugins';
import { startTestServer, type TestServer } from './test-harness';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.destroy();
  server = undefined;
});

/** A plugin for these tests only: a slow route, a route that fails, a route that echoes its body. */
const probe = defineServerPlugin({
  manifest: { name: 'probe' },
  migrations: [{ version: 1, up: 'CREATE TABLE probe_things (id INTEGER PRIMARY KEY)' }],
  setup() {
    const router = new Router<RequestState>();
    router.get('/slow', async (ctx) => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      ctx.body = { done: true };
    });
    router.get('/boom', () => {
      throw new Error('database password is hunter2');
    });
    router.get('/teapot', () => {
      throw new HttpError(418, 'teapot', 'I am a teapot.', { 'X-Extra': 'yes' });
    });
    router.post('/echo', (ctx) => {
      ctx.body = { body: ctx.state.body ?? null };
    });
    return { router };
  },
});
const withProbe: KoaServerPlugin[] = [...serverPlugins, probe];

/** A raw HTTP request, for what fetch will not send (chunked bodies, lying lengths). */
function rawRequest(port: number, options: { method: string; path: string; headers: Record<string, string>; chunks: Buffer[] }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: options.method, path: options.path, headers: options.headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    const write = (i: number) => {
      if (i === options.chunks.length) return req.end();
      if (!req.write(options.chunks[i])) req.once('drain', () => write(i + 1));
      else setImmediate(() => write(i + 1));
    };
    write(0);
  });
}

describe('server: bad input gets a clear 4xx JSON answer', () => {
  it('answers unknown API routes and methods with JSON errors', async () => {
    server = await startTestServer({ plugins: withProbe });
    const client = server.client();
    for (const path of ['/api', '/api/', '/api/nope', '/api/auth/nope', '/api/probe/slow/deeper']) {
      const res = await client.get(path);
      expect(res.status, path).toBe(404);
      expect(res.body).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
    const wrongMethod = await client.request('PUT', '/api/auth/login', { body: {} });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.body.error.code).toBe('method_not_allowed');
  });

  it('refuses bodies over the limit with 413, whether declared or streamed', async () => {
    server = await startTestServer({ plugins: withProbe, env: { BODY_LIMIT: '2048' } });
    const big = { text: 'x'.repeat(4096) };
    const declared = await server.client().post('/api/probe/echo', big);
    expect(declared.status).toBe(413);
    expect(declared.body.error).toEqual({ code: 'body_too_large', message: 'The request body is larger than 2048 bytes.' });
    const chunked = await rawRequest(server.port, {
      method: 'POST',
      path: '/api/probe/echo',
      headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'X-Patchroom-CSRF': '1' },
      chunks: Array.from({ length: 8 }, () => Buffer.from(`"${'y'.repeat(1000)}",`)),
    });
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body).error.code).toBe('body_too_large');
    // the server is fine afterwards
    expect((await server.client().post('/api/probe/echo', { small: true })).body).toEqual({ body: { small: true } });
  });

  it('refuses bodies that are not JSON, or not valid JSON, and survives odd ones', async () => {
    server = await startTestServer({ plugins: withProbe });
    const client = server.client();
    const text = await client.request('POST', '/api/probe/echo', { raw: 'hello', headers: { 'Content-Type': 'text/plain' } });
    expect(text.status).toBe(415);
    for (const raw of ['{', '{"a":', 'undefined', "{'a':1}", '\u0000']) {
      const res = await client.request('POST', '/api/probe/echo', { raw, headers: { 'Content-Type': 'application/json' } });
      expect(res.status, raw).toBe(400);
      expect(res.body.error.code).toBe('invalid_json');
    }
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const nested = await client.request('POST', '/api/probe/echo', { raw: deep, headers: { 'Content-Type': 'application/json' } });
    expect(nested.status).toBe(400);
    expect(nested.body.error.message).toBe('The request body is nested more than 64 levels deep.');
    const inString = await client.request('POST', '/api/probe/echo', { body: { text: '[[[[{{{{'.repeat(100) } });
    expect(inString.status).toBe(200);
    const proto = await client.request('POST', '/api/probe/echo', { raw: '{"__proto__":{"admin":true}}', headers: { 'Content-Type': 'application/json' } });
    expect(proto.status).toBe(200);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect((await client.request('POST', '/api/probe/echo', { raw: '', headers: { 'Content-Type': 'application/json' } })).body).toEqual({ body: null });
  });

  it('never sends a stack trace: unexpected errors are a generic 500, logged in full', async () => {
    server = await startTestServer({ plugins: withProbe });
    const res = await server.client().get('/api/probe/boom');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: { code: 'internal', message: 'Something went wrong on the server.' } });
    expect(JSON.stringify(res.body)).not.toContain('hunter2');
    const logged = server.logs.map((l) => JSON.parse(l)).find((e) => e.msg === 'request failed');
    expect(logged.error).toContain('hunter2');
    expect(logged.error).toContain('server.test.ts');
    const teapot = await server.client().get('/api/probe/teapot');
    expect(teapot.status).toBe(418);
    expect(teapot.headers.get('x-extra')).toBe('yes');
    expect(teapot.body).toEqual({ error: { code: 'teapot', message: 'I am a teapot.' } });
  });

  it('gives API answers a request id and their server-side time', async () => {
    server = await startTestServer();
    const res = await server.client().get('/api/auth/session');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('server-timing')).toMatch(/^total;dur=\d+\.\d\d$/);
  });
});

describe('server: health, restart and shutdown', () => {
  it('answers /healthz and /readyz (which checks the database)', async () => {
    server = await startTestServer();
    expect((await server.client().get('/healthz')).body).toEqual({ ok: true });
    expect((await server.client().get('/readyz')).body).toEqual({ ok: true });
  });

  it('keeps users, rooms, sessions and the library across a restart on the same data dir', async () => {
    const first = await startTestServer();
    const ada = first.client();
    await ada.post('/api/auth/register', { username: 'ada', password: 'password for tests' });
    const roomId = (await ada.post('/api/rooms', { name: 'Kept', visibility: 'public' })).body.room.id;
    const itemId = (await ada.post('/api/library/media', { title: 'Kept clip', url: 'https://archive.org/download/kept/clip.mp4', mimeType: 'video/mp4' })).body.item.id;
    await first.close();

    server = await startTestServer({ dataDir: first.dataDir });
    // The same browser (cookie jar) talking to the restarted server, which listens on a new port.
    const again = server.client();
    for (const [name, cookie] of ada.cookies) again.cookies.set(name, cookie);
    expect((await again.get('/api/auth/session')).body.user.name).toBe('ada');
    expect((await again.get(`/api/rooms/${roomId}`)).body).toMatchObject({ room: { name: 'Kept' }, role: 'owner' });
    expect((await again.get(`/api/library/items/${itemId}`)).body.item.title).toBe('Kept clip');
    expect((await again.post('/api/auth/refresh')).status).toBe(200);
    expect((await server.client().post('/api/auth/login', { username: 'ada', password: 'password for tests' })).status).toBe(200);
  });

  it('finishes requests in flight when closing, then refuses connections and closes SQLite cleanly', async () => {
    server = await startTestServer({ plugins: withProbe });
    const slow = server.client().get('/api/probe/slow');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closing = server.close();
    expect((await slow).body).toEqual({ done: true });
    await closing;
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    // the WAL was checkpointed into the main file: nothing left to replay
    const db = new Database(`${server.dataDir}/patchroom.db`);
    expect(db.pragma('wal_checkpoint(PASSIVE)', { simple: false })).toEqual([{ busy: 0, log: 0, checkpointed: 0 }]);
    // Every migration of every plugin was recorded, and nothing else.
    const declared = withProbe.flatMap((p) => (p.migrations ?? []).map((m) => `${p.manifest.name} ${m.version}`));
    const recorded = db.prepare<[], { plugin: string; version: number }>('SELECT plugin, version FROM migrations').all().map((r) => `${r.plugin} ${r.version}`);
    expect(recorded.sort()).toEqual([...declared, 'server 1'].sort());
    expect(declared).toContain('probe 1');
    db.close();
  });
});

describe('server: plugin loading fails loudly, naming the plugin', () => {
  const plugin = (name: string, extra: Partial<KoaServerPlugin> = {}): KoaServerPlugin => ({ manifest: { name }, setup: () => ({}), ...extra });

  it.each([
    ['a duplicate name', [...serverPlugins, plugin('rooms')], 'Plugin "rooms": is loaded twice'],
    ['a missing requirement', [plugin('needy', { manifest: { name: 'needy', requires: ['ghost'] } })], 'Plugin "needy": requires "ghost"'],
    ['a reserved name', [plugin('server')], 'Plugin "server": this name is reserved'],
    ['a table outside its prefix', [plugin('sloppy', { migrations: [{ version: 1, up: 'CREATE TABLE users (id TEXT)' }] })], 'Plugin "sloppy": migration 1 created users'],
    ['versions out of order', [plugin('muddled', { migrations: [{ version: 2, up: '' }, { version: 1, up: '' }] })], 'Plugin "muddled": migration versions'],
  ])('%s', async (_what, plugins, message) => {
    await expect(startTestServer({ plugins })).rejects.toThrow(message);
  });

  it('refuses a database ahead of the code, and leaves a failed migration unapplied', async () => {
    const first = await startTestServer({ plugins: [plugin('evolving', { migrations: [{ version: 1, up: 'CREATE TABLE evolving_a (id TEXT)' }, { version: 2, up: 'CREATE TABLE evolving_b (id TEXT)' }] })] });
    await first.close();
    await expect(startTestServer({ dataDir: first.dataDir, plugins: [plugin('evolving', { migrations: [{ version: 1, up: 'CREATE TABLE evolving_a (id TEXT)' }] })] })).rejects.toThrow(
      'Plugin "evolving": the database is at migration 2, newer than this code knows (1)',
    );
    await expect(startTestServer({ dataDir: first.dataDir, plugins: [plugin('evolving', { migrations: [{ version: 1, up: '' }, { version: 2, up: '' }, { version: 3, up: 'CREATE TABLE evolving_c (id TEXT); SELECT * FROM nowhere' }] })] })).rejects.toThrow(/nowhere/);
    const db = new Database(`${first.dataDir}/patchroom.db`, { readonly: true });
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'evolving_c'").all()).toEqual([]);
    expect(db.prepare("SELECT MAX(version) AS v FROM migrations WHERE plugin = 'evolving'").get()).toEqual({ v: 2 });
    db.close();
    server = await startTestServer({ dataDir: first.dataDir, plugins: [] });
  });
});
