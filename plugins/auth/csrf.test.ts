import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestClient, type TestServer } from '../../server/test-harness';

let server: TestServer;
let ada: TestClient;

beforeAll(async () => {
  server = await startTestServer({ env: { ALLOWED_ORIGINS: 'http://localhost:5173' } });
  ada = server.client();
  await ada.post('/api/auth/register', { username: 'ada', password: 'password for tests' });
});
afterAll(async () => {
  await server.destroy();
});

async function roomCount() {
  return (await ada.get('/api/rooms')).body.rooms.length as number;
}

describe('auth: CSRF defence on cookie-authenticated writes', () => {
  it('refuses a write without the CSRF header, even with valid cookies', async () => {
    const before = await roomCount();
    const res = await ada.post('/api/rooms', { name: 'forged' }, { csrf: false });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('csrf_check_failed');
    const wrongValue = await ada.post('/api/rooms', { name: 'forged' }, { headers: { 'X-Patchroom-CSRF': 'yes' } });
    expect(wrongValue.status).toBe(403);
    // what a cross-site HTML form can send: a simple content type, no custom header
    const form = await ada.request('POST', '/api/rooms', { raw: 'name=forged', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, csrf: false });
    expect(form.status).toBe(403);
    expect(await roomCount()).toBe(before);
  });

  it('refuses writes from other origins, and cross-site requests without an Origin', async () => {
    const before = await roomCount();
    for (const headers of [{ Origin: 'https://evil.example' } as Record<string, string>, { Origin: 'null' }, { Origin: `${server.url}.evil.example` }, { 'Sec-Fetch-Site': 'cross-site' }, { 'Sec-Fetch-Site': 'same-site' }]) {
      const res = await ada.post('/api/rooms', { name: 'forged' }, { headers });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.body.error.code).toBe('origin_not_allowed');
    }
    expect(await roomCount()).toBe(before);
  });

  it('accepts writes from its own origin and from ALLOWED_ORIGINS', async () => {
    const before = await roomCount();
    expect((await ada.post('/api/rooms', { name: 'same origin' }, { headers: { Origin: server.url, 'Sec-Fetch-Site': 'same-origin' } })).status).toBe(201);
    expect((await ada.post('/api/rooms', { name: 'dev server' }, { headers: { Origin: 'http://localhost:5173' } })).status).toBe(201);
    expect(await roomCount()).toBe(before + 2);
  });

  it('guards sign-in and sign-out too (no login CSRF), but not reads', async () => {
    expect((await server.client().post('/api/auth/login', { username: 'ada', password: 'password for tests' }, { csrf: false })).status).toBe(403);
    expect((await server.client().post('/api/auth/register', { username: 'mallory', password: 'password for tests' }, { headers: { Origin: 'https://evil.example' } })).status).toBe(403);
    expect((await ada.post('/api/auth/logout', undefined, { csrf: false })).status).toBe(403);
    expect((await ada.get('/api/auth/session')).body.user.name).toBe('ada');
  });
});
