import { afterEach, describe, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test-harness';

let server: TestServer | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await server?.destroy();
  server = undefined;
});

const PASSWORD = 'password for tests';

describe('auth: sign-in rate limits with backoff', () => {
  it('locks an account after repeated failures, doubling the wait, even for the right password', async () => {
    server = await startTestServer({ env: { LOGIN_MAX_FAILURES: '3', LOGIN_BACKOFF_MS: '2000' } });
    await server.client().post('/api/auth/register', { username: 'ada', password: PASSWORD });
    const login = (password: string) => server!.client().post('/api/auth/login', { username: 'ada', password });
    for (let i = 0; i < 3; i++) expect((await login('wrong password')).status).toBe(401);
    // the 4th failure is counted and starts the backoff
    expect((await login('wrong password')).status).toBe(401);
    const locked = await login(PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('rate_limited');
    expect(Number(locked.headers.get('retry-after'))).toBe(2);

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 2100);
    expect((await login('wrong password')).status).toBe(401);
    const longer = await login(PASSWORD);
    expect(longer.status).toBe(429);
    expect(Number(longer.headers.get('retry-after'))).toBe(4);
    vi.setSystemTime(Date.now() + 4100);
    expect((await login(PASSWORD)).status).toBe(200);
    // a success clears the account's count
    expect((await login('wrong password')).status).toBe(401);
    expect((await login(PASSWORD)).status).toBe(200);
  });

  it('limits one address guessing across many accounts', async () => {
    server = await startTestServer({ env: { LOGIN_MAX_FAILURES: '100', LOGIN_IP_MAX_FAILURES: '4', LOGIN_BACKOFF_MS: '60000' } });
    await server.client().post('/api/auth/register', { username: 'target', password: PASSWORD });
    for (let i = 0; i < 5; i++) expect((await server.client().post('/api/auth/login', { username: `user${i}`, password: 'guess guess' })).status).toBe(401);
    const res = await server.client().post('/api/auth/login', { username: 'target', password: PASSWORD });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBe(60);
  });

  it('limits sign-ups and guest sessions per address and hour', async () => {
    server = await startTestServer({ env: { REGISTER_PER_IP_PER_HOUR: '2', GUESTS_PER_IP_PER_HOUR: '2' } });
    expect((await server.client().post('/api/auth/register', { username: 'one', password: PASSWORD })).status).toBe(201);
    expect((await server.client().post('/api/auth/register', { username: 'two', password: PASSWORD })).status).toBe(201);
    const third = await server.client().post('/api/auth/register', { username: 'three', password: PASSWORD });
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(3500);
    expect((await server.client().post('/api/auth/guest')).status).toBe(201);
    expect((await server.client().post('/api/auth/guest')).status).toBe(201);
    expect((await server.client().post('/api/auth/guest')).status).toBe(429);
  });
});
