import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test-harness';

let server: TestServer | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await server?.destroy();
  server = undefined;
});

describe('auth: refresh tokens rotate, and reuse revokes the family', () => {
  it('gives a new refresh token on every use and refuses the old one, ending the whole session', async () => {
    server = await startTestServer();
    const browser = server.client();
    await browser.post('/api/auth/register', { username: 'ada', password: 'password for tests' });
    const first = browser.cookies.get('patchroom_refresh')!.value;
    expect((await browser.post('/api/auth/refresh')).status).toBe(200);
    const second = browser.cookies.get('patchroom_refresh')!.value;
    expect((await browser.post('/api/auth/refresh')).status).toBe(200);
    const third = browser.cookies.get('patchroom_refresh')!.value;
    const access = browser.cookies.get('patchroom_access')!.value;
    expect(new Set([first, second, third]).size).toBe(3);

    // An attacker replays the first token they stole (after the few seconds in which a second tab's
    // simultaneous refresh would be told to retry).
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 10_001);
    const attacker = server.client();
    const replay = await attacker.post('/api/auth/refresh', undefined, { headers: { Cookie: `patchroom_refresh=${first}` } });
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('refresh_reused');

    // The whole family is revoked: the newest refresh token and the live access token stop working.
    const victim = await browser.post('/api/auth/refresh');
    expect(victim.status).toBe(401);
    expect(victim.body.error.code).toBe('session_ended');
    const later = await server.client().get('/api/auth/session', { Cookie: `patchroom_access=${access}` });
    expect(later.body.error.code).toBe('session_ended');

    // Other sessions of the same account are untouched.
    const elsewhere = server.client();
    expect((await elsewhere.post('/api/auth/login', { username: 'ada', password: 'password for tests' })).status).toBe(200);
    expect((await elsewhere.post('/api/auth/refresh')).status).toBe(200);

    const db = new Database(`${server.dataDir}/patchroom.db`, { readonly: true });
    const outcomes = db.prepare("SELECT json_extract(event, '$.outcome') AS outcome FROM server_telemetry_events WHERE name = 'auth_login_refresh' ORDER BY timestamp, rowid").all();
    const revoked = db.prepare("SELECT revoked_reason FROM auth_sessions WHERE revoked_at IS NOT NULL").all();
    db.close();
    expect(outcomes.map((r) => (r as { outcome: string }).outcome)).toEqual(['ok', 'ok', 'reused', 'revoked', 'ok']);
    expect(revoked).toEqual([{ revoked_reason: 'refresh_token_reused' }]);
  });

  it('tells a second tab refreshing at the same moment to retry, without ending the session', async () => {
    server = await startTestServer();
    const tabA = server.client();
    await tabA.post('/api/auth/register', { username: 'tabs', password: 'password for tests' });
    const tabB = server.client();
    for (const [name, cookie] of tabA.cookies) tabB.cookies.set(name, { ...cookie });
    const [a, b] = await Promise.all([tabA.post('/api/auth/refresh'), tabB.post('/api/auth/refresh')]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expect(loser.body.error.code).toBe('refresh_concurrent');
    expect(loser.headers.getSetCookie()).toEqual([]);
    // the winner's session goes on
    const winner = a.status === 200 ? tabA : tabB;
    expect((await winner.post('/api/auth/refresh')).status).toBe(200);
    expect((await winner.get('/api/auth/session')).body.user.name).toBe('tabs');
  });

  it('revokes at once when the grace is off', async () => {
    server = await startTestServer({ env: { REFRESH_REUSE_GRACE_SECONDS: '0' } });
    const browser = server.client();
    await browser.post('/api/auth/register', { username: 'strict', password: 'password for tests' });
    const first = browser.cookies.get('patchroom_refresh')!.value;
    await browser.post('/api/auth/refresh');
    expect((await server.client().post('/api/auth/refresh', undefined, { headers: { Cookie: `patchroom_refresh=${first}` } })).body.error.code).toBe('refresh_reused');
    expect((await browser.post('/api/auth/refresh')).body.error.code).toBe('session_ended');
  });

  it('refuses an expired refresh token and an unknown one', async () => {
    server = await startTestServer({ env: { REFRESH_TOKEN_TTL: '3600' } });
    const browser = server.client();
    await browser.post('/api/auth/register', { username: 'bob', password: 'password for tests' });
    const token = browser.cookies.get('patchroom_refresh')!.value;
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 3601_000);
    const expired = await browser.post('/api/auth/refresh');
    expect(expired.body.error.code).toBe('refresh_expired');
    expect(browser.cookies.has('patchroom_refresh')).toBe(false);
    vi.useRealTimers();
    const unknown = await server.client().post('/api/auth/refresh', undefined, { headers: { Cookie: `patchroom_refresh=${token.slice(0, -2)}xx` } });
    expect(unknown.body.error.code).toBe('refresh_invalid');
    expect((await server.client().post('/api/auth/refresh')).body.error.code).toBe('unauthenticated');
  });

  it('ends a session at its absolute age however often it was refreshed', async () => {
    server = await startTestServer({ env: { SESSION_MAX_AGE: '7200', REFRESH_TOKEN_TTL: '3600' } });
    const browser = server.client();
    await browser.post('/api/auth/register', { username: 'dora', password: 'password for tests' });
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    // Refreshed every 50 minutes: each refresh token is fresh, yet the family may not outlive 2 hours.
    vi.setSystemTime(start + 3000_000);
    expect((await browser.post('/api/auth/refresh')).status).toBe(200);
    vi.setSystemTime(start + 6000_000);
    expect((await browser.post('/api/auth/refresh')).status).toBe(200);
    vi.setSystemTime(start + 7201_000);
    const old = await browser.post('/api/auth/refresh');
    expect(old.status).toBe(401);
    expect(old.body.error.message).toContain('longest allowed age');
    expect(browser.cookies.has('patchroom_refresh')).toBe(false);
    vi.useRealTimers();
  });

  it('lets an access token expire after its lifetime, and a refresh bring it back', async () => {
    server = await startTestServer({ env: { ACCESS_TOKEN_TTL: '60' } });
    const browser = server.client();
    const registered = await browser.post('/api/auth/register', { username: 'carol', password: 'password for tests' });
    expect(registered.body.accessExpiresAt - Date.now()).toBeLessThanOrEqual(60_000);
    const stale = browser.cookies.get('patchroom_access')!.value;
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 61_000);
    expect((await server.client().get('/api/auth/session', { Cookie: `patchroom_access=${stale}` })).body.error.code).toBe('token_expired');
    expect((await browser.post('/api/auth/refresh')).status).toBe(200);
    expect((await browser.get('/api/auth/session')).body.user.name).toBe('carol');
  });

  it('refuses access-token lifetimes over 15 minutes', async () => {
    await expect(startTestServer({ env: { ACCESS_TOKEN_TTL: '901' } })).rejects.toThrow('ACCESS_TOKEN_TTL must be a whole number from 10 to 900; got "901".');
  });
});
