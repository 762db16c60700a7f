import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestClient, type TestServer } from '../../server/test-harness';
import { ApiError } from './api-error';
import { createApiClient, queryString, type SessionAnswer } from './client';
import { fetchThrough } from './test-fetch';

/** The studio's API client against the real server (real plugins, real SQLite), through a browser-like cookie jar. */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { LOGIN_MAX_FAILURES: '2', LOGIN_BACKOFF_MS: '3000' } });
});
afterAll(async () => {
  await server.destroy();
});

let counter = 0;
/** A fresh "browser": its cookie jar, a client over it, and a count of the refreshes it made. */
function browser(options: { telemetrySession?: string; now?: () => number; beforeSend?: (path: string, jar: TestClient) => Promise<void> } = {}) {
  const jar = server.client();
  const seen = { refreshes: 0 };
  const api = createApiClient({
    baseUrl: server.url,
    fetch: fetchThrough(jar, async (path) => {
      if (path === '/api/auth/refresh') seen.refreshes++;
      await options.beforeSend?.(path, jar);
    }),
    ...(options.telemetrySession ? { telemetrySession: options.telemetrySession } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  return { jar, api, seen };
}

async function signedUp(b: ReturnType<typeof browser>) {
  const session = await b.api.post<SessionAnswer>('/api/auth/register', { username: `user${++counter}`, password: 'password for tests' });
  b.api.noteSession(session);
  return session;
}

/** An access token like the jar's, but expired a minute ago, signed with the server's real key. */
async function expiredAccessToken(jar: TestClient): Promise<string> {
  const current = jar.cookies.get('patchroom_access')!.value;
  const { keys } = JSON.parse(readFileSync(join(server.dataDir, 'auth', 'signing-keys.json'), 'utf8')) as { keys: Array<{ secret: string }> };
  const claims = decodeJwt(current);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ ...claims, iat: now - 600, exp: now - 60 })
    .setProtectedHeader(decodeProtectedHeader(current) as { alg: string })
    .sign(new Uint8Array(Buffer.from(keys[0]!.secret, 'base64url')));
}

function replaceCookie(jar: TestClient, name: string, value: string) {
  jar.cookies.set(name, { ...jar.cookies.get(name)!, value });
}

describe('api client against the real server', () => {
  it('signs up with the CSRF header, sends the telemetry session, and keeps the session in cookies', async () => {
    const b = browser({ telemetrySession: 'studio-session-1234' });
    const session = await signedUp(b);
    expect(session.user?.name).toMatch(/^user\d+$/);
    expect(session.accessExpiresAt).toBeGreaterThan(Date.now());
    expect((await b.api.get<SessionAnswer>('/api/auth/session')).user?.id).toBe(session.user?.id);
    const db = new Database(join(server.dataDir, 'patchroom.db'), { readonly: true });
    const row = db.prepare("SELECT count(*) AS n FROM server_telemetry_events WHERE session_id = ? AND name = 'auth_login_success'").get('studio-session-1234') as { n: number };
    db.close();
    expect(row.n).toBe(1);
  });

  it('turns error answers into ApiError with the server’s code and message, without refreshing', async () => {
    const b = browser();
    const error = await b.api.post('/api/auth/login', { username: 'nobody-here', password: 'wrong password' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 401, code: 'invalid_credentials', message: 'Wrong user name or password.' });
    const bad = await b.api.post('/api/rooms', { name: '' }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ status: 401, code: 'unauthenticated' });
    expect(b.seen.refreshes).toBe(0);
  });

  it('reads Retry-After of a rate-limited sign-in', async () => {
    const b = browser();
    await signedUp(b);
    const name = `user${counter}`;
    // LOGIN_MAX_FAILURES=2 free failures, then every attempt waits, even with the right password.
    let limited: ApiError | undefined;
    for (let i = 0; i < 5 && limited?.status !== 429; i++) {
      limited = (await b.api.post('/api/auth/login', { username: name, password: 'not the password' }).catch((e: unknown) => e)) as ApiError;
    }
    expect(limited).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(limited!.retryAfter).toBeGreaterThanOrEqual(1);
    expect(limited!.message).toMatch(/try again in \d+ s/);
  });

  it('on 401 token_expired refreshes once and retries the call', async () => {
    const b = browser();
    await signedUp(b);
    await b.api.post('/api/rooms', { name: 'Before expiry' });
    const refreshBefore = b.jar.cookies.get('patchroom_refresh')!.value;
    replaceCookie(b.jar, 'patchroom_access', await expiredAccessToken(b.jar));
    const { rooms } = await b.api.get<{ rooms: Array<{ name: string }> }>('/api/rooms');
    expect(rooms.map((r) => r.name)).toEqual(['Before expiry']);
    expect(b.seen.refreshes).toBe(1);
    expect(b.jar.cookies.get('patchroom_refresh')!.value).not.toBe(refreshBefore);
  });

  it('refreshes when the browser has dropped the expired access cookie (401 unauthenticated while signed in)', async () => {
    const b = browser();
    await signedUp(b);
    b.jar.cookies.delete('patchroom_access');
    expect((await b.api.get<{ rooms: unknown[] }>('/api/rooms')).rooms).toEqual([]);
    expect(b.seen.refreshes).toBe(1);
  });

  it('several calls failing at once share one refresh', async () => {
    const b = browser();
    await signedUp(b);
    replaceCookie(b.jar, 'patchroom_access', await expiredAccessToken(b.jar));
    const answers = await Promise.all([b.api.get('/api/rooms'), b.api.get('/api/rooms'), b.api.get('/api/auth/session')]);
    expect(answers).toHaveLength(3);
    expect(b.seen.refreshes).toBe(1);
  });

  it('409 refresh_concurrent (another tab refreshed a moment ago): retries the call with the cookies that tab set', async () => {
    let staged = false;
    const b = browser({
      beforeSend: async (path, jar) => {
        if (path !== '/api/auth/refresh' || staged) return;
        staged = true;
        // The other tab: same cookies, refreshes first; its answer sets the access cookie both tabs share.
        const otherTab = server.client();
        for (const [name, cookie] of jar.cookies) otherTab.cookies.set(name, { ...cookie });
        expect((await otherTab.post('/api/auth/refresh')).status).toBe(200);
        jar.cookies.set('patchroom_access', otherTab.cookies.get('patchroom_access')!);
      },
    });
    await signedUp(b);
    replaceCookie(b.jar, 'patchroom_access', await expiredAccessToken(b.jar));
    const signedOut: Array<SessionAnswer | null> = [];
    b.api.onSession((s) => signedOut.push(s));
    expect((await b.api.get<{ rooms: unknown[] }>('/api/rooms')).rooms).toEqual([]);
    expect(staged).toBe(true);
    expect(signedOut).toEqual([]);
  });

  it('a refresh answered 401 means signed out: listeners hear it and the call’s own error is thrown', async () => {
    const b = browser();
    await signedUp(b);
    replaceCookie(b.jar, 'patchroom_access', await expiredAccessToken(b.jar));
    b.jar.cookies.delete('patchroom_refresh');
    const heard: Array<SessionAnswer | null> = [];
    b.api.onSession((s) => heard.push(s));
    const error = await b.api.get('/api/rooms').catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 401, code: 'token_expired' });
    expect(heard).toEqual([null]);
    // Signed out now: a later 401 is final, no refresh is attempted.
    await b.api.get('/api/rooms').catch(() => undefined);
    expect(b.seen.refreshes).toBe(1);
  });

  it('refreshes before sending when the access token is about to expire', async () => {
    let clock = Date.now();
    const b = browser({ now: () => clock });
    await signedUp(b);
    await b.api.get('/api/rooms');
    expect(b.seen.refreshes).toBe(0);
    clock += 15 * 60_000;
    await b.api.get('/api/rooms');
    expect(b.seen.refreshes).toBe(1);
  });

  it('after sign-out the server refuses the old cookies and the client does not try to refresh', async () => {
    const b = browser();
    await signedUp(b);
    await b.api.post('/api/auth/logout');
    b.api.noteSession(null);
    expect(await b.api.get<SessionAnswer>('/api/auth/session')).toEqual({ user: null, guest: null });
    expect(b.seen.refreshes).toBe(0);
  });

  it('a server that cannot be reached is a network ApiError with a clear message', async () => {
    const api = createApiClient({ baseUrl: 'http://127.0.0.1:1' });
    const error = await api.get('/api/auth/session').catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 0, code: 'network' });
    expect((error as ApiError).message).toMatch(/Could not reach the Patchroom server/);
  });
});

describe('queryString', () => {
  it('repeats lists, leaves out empty values, encodes', () => {
    expect(queryString({ q: 'neo grid', kind: undefined, tag: ['a', 'b-c'], limit: 24, cursor: '' })).toBe('?q=neo+grid&tag=a&tag=b-c&limit=24');
    expect(queryString({})).toBe('');
    expect(queryString(undefined)).toBe('');
  });
});
