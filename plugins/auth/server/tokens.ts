import { randomBytes, createHash } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { KeyRing } from './signing-keys';

const ISSUER = 'patchroom';
const AUDIENCE = 'patchroom';

export interface AccessClaims {
  /** User id, or guest id. */
  sub: string;
  /** The session (refresh-token family). */
  sid: string;
  kind: 'user' | 'guest';
}

export async function signAccessToken(keys: KeyRing, claims: AccessClaims, ttlSeconds: number): Promise<{ token: string; expiresAt: number }> {
  const key = keys.current();
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ sid: claims.sid, kind: claims.kind })
    .setProtectedHeader({ alg: 'HS256', kid: key.kid, typ: 'at+jwt' })
    .setSubject(claims.sub)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds)
    .sign(key.secret);
  return { token, expiresAt: (now + ttlSeconds) * 1000 };
}

export type VerifiedAccess = { ok: true; claims: AccessClaims; expiresAt: number } | { ok: false; reason: 'token_expired' | 'token_invalid' };

/**
 * Accepts only HS256 tokens of ours: known key id, valid signature, our issuer, audience and type,
 * not expired. Anything else (alg "none", another key, a changed payload) is `token_invalid`.
 */
export async function verifyAccessToken(keys: KeyRing, token: string): Promise<VerifiedAccess> {
  try {
    const { payload } = await jwtVerify(
      token,
      (header) => {
        const key = typeof header.kid === 'string' ? keys.find(header.kid) : undefined;
        if (!key) throw new errors.JWSSignatureVerificationFailed('unknown key id');
        return key.secret;
      },
      { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, typ: 'at+jwt', requiredClaims: ['sub', 'exp', 'iat'] },
    );
    const { sub, sid, kind, exp } = payload;
    if (typeof sub !== 'string' || typeof sid !== 'string' || (kind !== 'user' && kind !== 'guest')) return { ok: false, reason: 'token_invalid' };
    return { ok: true, claims: { sub, sid, kind }, expiresAt: exp! * 1000 };
  } catch (error) {
    return { ok: false, reason: error instanceof errors.JWTExpired ? 'token_expired' : 'token_invalid' };
  }
}

/**
 * `verifyAccessToken` that remembers tokens it has accepted until they expire. A client presents the
 * same token for up to 15 minutes; checking its signature once (jose's HMAC runs on libuv's thread
 * pool, which a busy machine makes slow) keeps every later request to a map lookup. Only verified
 * tokens are remembered, and the session behind one is still checked on every request.
 */
export function accessTokenVerifier(keys: KeyRing, maxEntries = 10_000) {
  const accepted = new Map<string, { claims: AccessClaims; expiresAt: number }>();
  return async (token: string): Promise<VerifiedAccess> => {
    const known = accepted.get(token);
    if (known) {
      if (Date.now() < known.expiresAt) return { ok: true, ...known };
      accepted.delete(token);
      return { ok: false, reason: 'token_expired' };
    }
    const verified = await verifyAccessToken(keys, token);
    if (verified.ok) {
      if (accepted.size >= maxEntries) accepted.delete(accepted.keys().next().value!);
      accepted.set(token, { claims: verified.claims, expiresAt: verified.expiresAt });
    }
    return verified;
  };
}

/** An opaque refresh token (256 random bits) and the hash under which it is stored. */
export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

/** Tokens are high-entropy, so a plain SHA-256 is enough to make a stolen database useless for signing in. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
