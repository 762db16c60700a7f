import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestClient, type TestServer } from '../../server/test-harness';

let server: TestServer;
let ada: TestClient;
let adaId: string;
let bobId: string;

beforeAll(async () => {
  server = await startTestServer();
  ada = server.client();
  adaId = (await ada.post('/api/auth/register', { username: 'ada', password: 'password for tests' })).body.user.id;
  bobId = (await server.client().post('/api/auth/register', { username: 'bob', password: 'password for tests' })).body.user.id;
});
afterAll(async () => {
  await server.destroy();
});

function keyFile() {
  return join(server.dataDir, 'auth', 'signing-keys.json');
}
function realKey(): { kid: string; secret: Uint8Array } {
  const { keys } = JSON.parse(readFileSync(keyFile(), 'utf8')) as { keys: Array<{ kid: string; secret: string }> };
  return { kid: keys[0]!.kid, secret: new Uint8Array(Buffer.from(keys[0]!.secret, 'base64url')) };
}
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
function parts(token: string) {
  const [header, payload, signature] = token.split('.');
  return { header: JSON.parse(Buffer.from(header!, 'base64url').toString()), payload: JSON.parse(Buffer.from(payload!, 'base64url').toString()), signature: signature! };
}
async function withToken(token: string) {
  return server.client().get('/api/auth/session', { Cookie: `patchroom_access=${token}` });
}
async function sign(claims: Record<string, unknown>, options: { secret?: Uint8Array; kid?: string; alg?: string; typ?: string; exp?: number; iss?: string; aud?: string } = {}) {
  const key = realKey();
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: options.alg ?? 'HS256', kid: options.kid ?? key.kid, typ: options.typ ?? 'at+jwt' })
    .setIssuer(options.iss ?? 'patchroom')
    .setAudience(options.aud ?? 'patchroom')
    .setIssuedAt(now)
    .setExpirationTime(options.exp ?? now + 600)
    .sign(options.secret ?? key.secret);
}

describe('auth: the signing key', () => {
  it('is created on first start in the data dir, readable only by its owner, with a key id', () => {
    expect(statSync(keyFile()).mode & 0o777).toBe(0o600);
    expect(realKey().kid).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(realKey().secret.length).toBeGreaterThanOrEqual(32);
    expect(parts(ada.cookies.get('patchroom_access')!.value).header).toEqual({ alg: 'HS256', kid: realKey().kid, typ: 'at+jwt' });
  });
});

describe('auth: forged access tokens are refused', () => {
  it('accepts a genuine token (the control)', async () => {
    const res = await withToken(ada.cookies.get('patchroom_access')!.value);
    expect(res.body.user.id).toBe(adaId);
  });

  it('refuses alg "none"', async () => {
    const { header, payload } = parts(ada.cookies.get('patchroom_access')!.value);
    for (const alg of ['none', 'None', 'NONE']) {
      const res = await withToken(`${b64({ ...header, alg })}.${b64({ ...payload, sub: bobId })}.`);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('token_invalid');
    }
  });

  it('refuses a token signed with another key, under our key id or another', async () => {
    const { payload } = parts(ada.cookies.get('patchroom_access')!.value);
    const other = new Uint8Array(32).fill(7);
    for (const kid of [realKey().kid, 'other-key']) {
      const res = await withToken(await sign({ sid: payload.sid, kind: 'user', sub: adaId }, { secret: other, kid }));
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('token_invalid');
    }
  });

  it('refuses a tampered payload (another user id under the original signature)', async () => {
    const token = ada.cookies.get('patchroom_access')!.value;
    const { header, payload, signature } = parts(token);
    for (const changed of [{ ...payload, sub: bobId }, { ...payload, kind: 'guest' }, { ...payload, exp: payload.exp + 86_400 }]) {
      const res = await withToken(`${b64(header)}.${b64(changed)}.${signature}`);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('token_invalid');
    }
  });

  it('refuses an expired token, even correctly signed', async () => {
    const { payload } = parts(ada.cookies.get('patchroom_access')!.value);
    const res = await withToken(await sign({ sid: payload.sid, kind: 'user', sub: adaId }, { exp: Math.floor(Date.now() / 1000) - 1 }));
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('token_expired');
  });

  it('refuses our key used with another algorithm, issuer, audience or token type', async () => {
    const { payload } = parts(ada.cookies.get('patchroom_access')!.value);
    const claims = { sid: payload.sid, kind: 'user', sub: adaId };
    for (const options of [{ alg: 'HS512' }, { iss: 'someone-else' }, { aud: 'another-app' }, { typ: 'JWT' }]) {
      const res = await withToken(await sign(claims, options));
      expect(res.status, JSON.stringify(options)).toBe(401);
      expect(res.body.error.code).toBe('token_invalid');
    }
  });

  it('refuses a correctly signed token whose session is not the subject\'s (no escalation with a stolen key id)', async () => {
    const { payload } = parts(ada.cookies.get('patchroom_access')!.value);
    const res = await withToken(await sign({ sid: payload.sid, kind: 'user', sub: bobId }));
    expect(res.body.error.code).toBe('session_ended');
    expect((await withToken(await sign({ sid: 's_made-up', kind: 'user', sub: adaId }))).body.error.code).toBe('session_ended');
  });

  it('refuses garbage without failing the request', async () => {
    for (const token of ['', 'x', 'a.b.c', '..', '%00', 'e30.e30.e30', 'x'.repeat(3000)]) {
      const res = await withToken(token);
      expect([200, 401]).toContain(res.status);
      expect(res.body.user ?? null).toBeNull();
    }
  });
});

describe('auth: signing keys rotate', () => {
  it('signs with a new key after rotation and still accepts tokens of the previous one', async () => {
    const local = await startTestServer({ env: { AUTH_KEY_ROTATION_DAYS: '1' } });
    const file = join(local.dataDir, 'auth', 'signing-keys.json');
    const client = local.client();
    await client.post('/api/auth/register', { username: 'rotor', password: 'password for tests' });
    const oldToken = client.cookies.get('patchroom_access')!.value;
    await local.close();
    // Make the key two days old: the next start rotates it.
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    stored.keys[0].createdAt -= 2 * 86_400_000;
    writeFileSync(file, JSON.stringify(stored), { mode: 0o600 });
    const again = await startTestServer({ dataDir: local.dataDir, env: { AUTH_KEY_ROTATION_DAYS: '1' } });
    try {
      const rotated = JSON.parse(readFileSync(file, 'utf8')).keys as Array<{ kid: string }>;
      expect(rotated).toHaveLength(2);
      expect(rotated[1]!.kid).toBe(stored.keys[0].kid);
      const check = again.client();
      expect((await check.get('/api/auth/session', { Cookie: `patchroom_access=${oldToken}` })).body.user.name).toBe('rotor');
      await check.post('/api/auth/login', { username: 'rotor', password: 'password for tests' });
      expect(parts(check.cookies.get('patchroom_access')!.value).header.kid).toBe(rotated[0]!.kid);
    } finally {
      await again.destroy();
    }
  });

  it('takes keys from AUTH_SIGNING_KEYS instead, signing with the first', async () => {
    const secret = Buffer.alloc(32, 3).toString('base64url');
    const previous = Buffer.alloc(32, 4).toString('base64url');
    const local = await startTestServer({ env: { AUTH_SIGNING_KEYS: `current:${secret},old:${previous}` } });
    try {
      const client = local.client();
      await client.post('/api/auth/register', { username: 'envy', password: 'password for tests' });
      expect(parts(client.cookies.get('patchroom_access')!.value).header.kid).toBe('current');
    } finally {
      await local.destroy();
    }
    await expect(startTestServer({ env: { AUTH_SIGNING_KEYS: 'k:tooshort' } })).rejects.toThrow(/AUTH_SIGNING_KEYS entry 1/);
  });
});
