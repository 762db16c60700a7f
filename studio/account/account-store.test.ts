import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestClient, type TestServer } from '../../server/test-harness';
import { createApiClient } from '../api/client';
import { fetchThrough } from '../api/test-fetch';
import { createAccountStore, storageHint } from './account-store';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.destroy();
});

/** One browser: a cookie jar and localStorage that outlive page loads; `load()` is a page load. */
function browser() {
  const jar: TestClient = server.client();
  const storage = new Map<string, string>();
  const localStorage = { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => void storage.set(k, v), removeItem: (k: string) => void storage.delete(k) };
  const paths: string[] = [];
  const load = async () => {
    const api = createApiClient({ baseUrl: server.url, fetch: fetchThrough(jar, async (path) => void paths.push(path)) });
    const account = createAccountStore(api, storageHint(localStorage));
    await account.init();
    return account;
  };
  return { jar, storage, paths, load };
}

describe('account store against the real server', () => {
  it('starts signed out without a single failing request, signs up, and a reload keeps the session', async () => {
    const b = browser();
    const first = await b.load();
    expect(first.getState()).toMatchObject({ status: 'signed-out', user: undefined, unreachable: false });
    expect(b.paths).toEqual(['/api/auth/session']);
    await first.signUp({ username: 'grace', password: 'password for tests' });
    expect(first.getState()).toMatchObject({ status: 'signed-in', user: { name: 'grace' } });
    const reloaded = await b.load();
    expect(reloaded.getState()).toMatchObject({ status: 'signed-in', user: { name: 'grace' } });
  });

  it('after the access cookie expired and went, a reload refreshes once and stays signed in', async () => {
    const b = browser();
    await (await b.load()).signUp({ username: 'hopper', password: 'password for tests' });
    b.jar.cookies.delete('patchroom_access');
    b.paths.length = 0;
    expect((await b.load()).getState()).toMatchObject({ status: 'signed-in', user: { name: 'hopper' } });
    expect(b.paths).toEqual(['/api/auth/session', '/api/auth/refresh']);
  });

  it('signs out on the server: the next load is signed out and does not try to refresh', async () => {
    const b = browser();
    const account = await b.load();
    await account.signUp({ username: 'lovelace', password: 'password for tests' });
    await account.signOut();
    expect(account.getState().status).toBe('signed-out');
    b.paths.length = 0;
    expect((await b.load()).getState().status).toBe('signed-out');
    expect(b.paths).toEqual(['/api/auth/session']);
  });

  it('a wrong password is the server’s error, and the store stays signed out', async () => {
    const b = browser();
    const account = await b.load();
    await expect(account.signIn({ username: 'grace', password: 'not her password' })).rejects.toMatchObject({ status: 401, code: 'invalid_credentials', message: 'Wrong user name or password.' });
    expect(account.getState().status).toBe('signed-out');
  });

  it('hears a session ended elsewhere (a refresh answered 401) and signs out', async () => {
    const b = browser();
    const account = await b.load();
    await account.signUp({ username: 'turing', password: 'password for tests' });
    // Signed out in another tab: both cookies cleared there (shared by the browser).
    const otherTab = server.client();
    for (const [name, cookie] of b.jar.cookies) otherTab.cookies.set(name, { ...cookie });
    await otherTab.post('/api/auth/logout');
    b.jar.cookies.delete('patchroom_access');
    const api = createApiClient({ baseUrl: server.url, fetch: fetchThrough(b.jar) });
    const again = createAccountStore(api, storageHint(undefined));
    api.noteSession({ user: { id: 'x', name: 'turing' }, guest: null });
    again.setState({ status: 'signed-in', user: { id: 'x', name: 'turing' } });
    await api.get('/api/rooms').catch(() => undefined);
    expect(again.getState().status).toBe('signed-out');
  });

  it('a server out of reach: signed out, marked unreachable, the studio carries on', async () => {
    const api = createApiClient({ baseUrl: 'http://127.0.0.1:1' });
    const account = createAccountStore(api, storageHint(undefined));
    await account.init();
    expect(account.getState()).toMatchObject({ status: 'signed-out', unreachable: true });
  });
});
