import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test-harness';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.destroy();
  server = undefined;
});

function storedEvents(s: TestServer) {
  // Read through a second connection to the same file, as the telemetry plugin will.
  return import('better-sqlite3').then(({ default: Database }) => {
    const db = new Database(`${s.dataDir}/patchroom.db`, { readonly: true });
    try {
      return db.prepare('SELECT name, user_id, event FROM server_telemetry_events ORDER BY timestamp, rowid').all() as Array<{ name: string; user_id: string | null; event: string }>;
    } finally {
      db.close();
    }
  });
}

describe('auth: the whole lifecycle', () => {
  it('registers, reads the session, refreshes, signs out, and signs in again', async () => {
    server = await startTestServer();
    const browser = server.client();

    const registered = await browser.post('/api/auth/register', { username: 'Ada', password: 'correct horse' });
    expect(registered.status).toBe(201);
    expect(registered.body).toEqual({ user: { id: expect.stringMatching(/^u_/), name: 'ada' }, guest: null, accessExpiresAt: expect.any(Number) });
    expect(registered.body.accessExpiresAt - Date.now()).toBeLessThanOrEqual(15 * 60_000);
    const access = browser.cookies.get('patchroom_access')!;
    const refresh = browser.cookies.get('patchroom_refresh')!;
    expect(access.attributes).toMatch(/httponly/i);
    expect(access.attributes).toMatch(/samesite=strict/i);
    expect(access.attributes).not.toMatch(/secure/i); // plain http, COOKIE_SECURE=auto
    expect(access.path).toBe('/');
    expect(refresh.attributes).toMatch(/httponly/i);
    expect(refresh.path).toBe('/api/auth');

    expect((await browser.get('/api/auth/session')).body).toEqual({ user: { id: registered.body.user.id, name: 'ada' }, guest: null });

    const refreshed = await browser.post('/api/auth/refresh');
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.user.name).toBe('ada');
    expect(browser.cookies.get('patchroom_refresh')!.value).not.toBe(refresh.value);

    expect((await browser.post('/api/auth/logout')).status).toBe(204);
    expect(browser.cookies.size).toBe(0);
    expect((await browser.get('/api/auth/session')).body).toEqual({ user: null, guest: null });

    const again = await browser.post('/api/auth/login', { username: 'ada', password: 'correct horse' });
    expect(again.status).toBe(200);
    expect(again.body.user).toEqual(registered.body.user);

    const names = (await storedEvents(server)).map((e) => e.name);
    expect(names).toEqual(['auth_login_start', 'auth_login_success', 'auth_login_refresh', 'auth_login_start', 'auth_login_success']);
    const success = JSON.parse((await storedEvents(server)).at(-1)!.event);
    expect(success).toMatchObject({ user_id: registered.body.user.id, browser: expect.any(String), platform: expect.any(String), session_id: expect.any(String), correlation_id: expect.any(String), event_id: expect.any(String), timestamp: expect.any(Number), method: 'password' });
  });

  it('ends a session for good: the old access token stops working at once after sign-out', async () => {
    server = await startTestServer();
    const browser = server.client();
    await browser.post('/api/auth/register', { username: 'bob', password: 'long enough' });
    const stolen = browser.cookies.get('patchroom_access')!.value;
    await browser.post('/api/auth/logout');
    const replay = await server.client().get('/api/auth/session', { Cookie: `patchroom_access=${stolen}` });
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('session_ended');
  });

  it('refuses wrong passwords and unknown users with the same answer, and records failures', async () => {
    server = await startTestServer();
    const browser = server.client();
    await browser.post('/api/auth/register', { username: 'carol', password: 'right password' });
    const wrong = await server.client().post('/api/auth/login', { username: 'carol', password: 'wrong password' });
    const unknown = await server.client().post('/api/auth/login', { username: 'nobody', password: 'wrong password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error.code).toBe('invalid_credentials');
    const failures = (await storedEvents(server)).filter((e) => e.name === 'auth_login_failure').map((e) => JSON.parse(e.event).reason);
    expect(failures).toEqual(['invalid_credentials', 'invalid_credentials']);
  });

  it('refuses a taken user name (any case) and bad input, naming the field', async () => {
    server = await startTestServer();
    const browser = server.client();
    expect((await browser.post('/api/auth/register', { username: 'dave', password: 'password1' })).status).toBe(201);
    const taken = await server.client().post('/api/auth/register', { username: 'DAVE', password: 'password2' });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('username_taken');
    for (const body of [{ username: 'x', password: 'password1' }, { username: 'eve', password: 'short' }, { username: 'ev e', password: 'password1' }, { username: ['eve'], password: 'password1' }, { username: 'eve', password: 'p'.repeat(257) }, 'eve', [1, 2], null]) {
      const res = await server.client().post('/api/auth/register', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('invalid_input');
    }
  });

  it('never logs passwords or tokens', async () => {
    server = await startTestServer();
    const browser = server.client();
    await browser.post('/api/auth/register', { username: 'frank', password: 'super secret words' });
    await browser.post('/api/auth/refresh');
    await browser.post('/api/auth/login', { username: 'frank', password: 'wrong secret words' });
    const logs = server.logs.join('\n');
    expect(logs).not.toContain('secret words');
    for (const cookie of browser.cookies.values()) expect(logs).not.toContain(cookie.value);
    const events = JSON.stringify(await storedEvents(server));
    expect(events).not.toContain('secret words');
    for (const cookie of browser.cookies.values()) expect(events).not.toContain(cookie.value);
  });
});

describe('auth: Secure cookies', () => {
  const secureFlags = async (env: Record<string, string>, headers: Record<string, string> = {}) => {
    server = await startTestServer({ env });
    const browser = server.client();
    const res = await browser.post('/api/auth/register', { username: 'sec', password: 'password for tests' }, { headers });
    expect(res.status).toBe(201);
    const flags = res.headers.getSetCookie().map((c) => /;\s*secure/i.test(c));
    await server.destroy();
    server = undefined;
    return flags;
  };

  it('marks both cookies Secure when configured, or when a trusted proxy says the request came over https', async () => {
    expect(await secureFlags({ COOKIE_SECURE: 'always' })).toEqual([true, true]);
    expect(await secureFlags({ TRUST_PROXY: '1' }, { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'patchroom.example', Origin: 'https://patchroom.example' })).toEqual([true, true]);
    // an untrusted X-Forwarded-Proto changes nothing
    expect(await secureFlags({}, { 'X-Forwarded-Proto': 'https' })).toEqual([false, false]);
  });
});
