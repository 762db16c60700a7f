import { randomBytes } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { hashToken, newRefreshToken } from './tokens';

export interface SessionPrincipal {
  sessionId: string;
  kind: 'user' | 'guest';
  /** User id or guest id. */
  id: string;
  /** The user name (users only). */
  name?: string;
}

export type RotateResult =
  | { ok: true; principal: SessionPrincipal; refreshToken: string }
  | { ok: false; reason: 'unknown' | 'expired' | 'revoked' | 'reused' | 'concurrent' | 'too_old'; sessionId?: string; userId?: string };

interface SessionRow {
  id: string;
  user_id: string | null;
  guest_id: string | null;
  revoked_at: number | null;
  created_at: number;
  username: string | null;
}

/**
 * Sign-in sessions and their refresh tokens. Each session is one refresh-token family: every refresh
 * marks the presented token used and issues the next; presenting a used token again means it was
 * copied, so the whole family is revoked (RFC 9700 §4.14.2).
 *
 * A family lives at most `maxAgeMs` from sign-in, however often it is refreshed.
 *
 * Except within `reuseGraceMs` of its first use: two tabs of one browser refreshing at the same
 * moment both present the same token, and the later one must not sign the person out. It gets
 * `concurrent` (nothing issued, nothing revoked; the browser already holds the new cookies). A thief
 * gains nothing in that window, and a replay after it still revokes the family.
 */
export function sessionStore(db: Database, refreshTtlMs: number, reuseGraceMs: number, maxAgeMs: number) {
  const session = db.prepare<[string], SessionRow>(
    'SELECT s.id, s.user_id, s.guest_id, s.revoked_at, s.created_at, u.username FROM auth_sessions s LEFT JOIN auth_users u ON u.id = s.user_id WHERE s.id = ?',
  );
  const insertSession = db.prepare('INSERT INTO auth_sessions (id, user_id, guest_id, created_at, last_used_at) VALUES (?, ?, ?, ?, ?)');
  const insertToken = db.prepare('INSERT INTO auth_refresh_tokens (token_hash, session_id, issued_at, expires_at) VALUES (?, ?, ?, ?)');
  const token = db.prepare<[string], { session_id: string; expires_at: number; used_at: number | null }>(
    'SELECT session_id, expires_at, used_at FROM auth_refresh_tokens WHERE token_hash = ?',
  );
  const markUsed = db.prepare('UPDATE auth_refresh_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL');
  const touch = db.prepare('UPDATE auth_sessions SET last_used_at = ? WHERE id = ?');
  const revoke = db.prepare('UPDATE auth_sessions SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND revoked_at IS NULL');
  const purgeTokens = db.prepare('DELETE FROM auth_refresh_tokens WHERE expires_at < ?');
  const purgeSessions = db.prepare(
    'DELETE FROM auth_sessions WHERE (revoked_at IS NOT NULL AND revoked_at < ?) OR (last_used_at < ? AND NOT EXISTS (SELECT 1 FROM auth_refresh_tokens t WHERE t.session_id = auth_sessions.id))',
  );

  const principalOf = (row: SessionRow): SessionPrincipal =>
    row.user_id ? { sessionId: row.id, kind: 'user', id: row.user_id, name: row.username ?? '' } : { sessionId: row.id, kind: 'guest', id: row.guest_id! };

  const issue = (sessionId: string, now: number) => {
    const next = newRefreshToken();
    insertToken.run(next.hash, sessionId, now, now + refreshTtlMs);
    return next.token;
  };

  return {
    /** Starts a session for a user (or, with no user, a new guest) and its first refresh token. */
    start: db.transaction((user?: { id: string; username: string }) => {
      const now = Date.now();
      const id = `s_${randomBytes(12).toString('base64url')}`;
      const guestId = user ? null : `g_${randomBytes(9).toString('base64url')}`;
      insertSession.run(id, user?.id ?? null, guestId, now, now);
      const principal: SessionPrincipal = user ? { sessionId: id, kind: 'user', id: user.id, name: user.username } : { sessionId: id, kind: 'guest', id: guestId! };
      return { principal, refreshToken: issue(id, now) };
    }),

    /** The session behind an access token, if it is still active. */
    active(sessionId: string): SessionPrincipal | undefined {
      const row = session.get(sessionId);
      return row && row.revoked_at === null ? principalOf(row) : undefined;
    },

    rotate: db.transaction((presented: string): RotateResult => {
      const now = Date.now();
      const found = token.get(hashToken(presented));
      if (!found) return { ok: false, reason: 'unknown' };
      const row = session.get(found.session_id)!;
      const who = { sessionId: row.id, ...(row.user_id ? { userId: row.user_id } : {}) };
      if (row.revoked_at !== null) return { ok: false, reason: 'revoked', ...who };
      if (found.used_at !== null) {
        if (now - found.used_at < reuseGraceMs) return { ok: false, reason: 'concurrent', ...who };
        revoke.run(now, 'refresh_token_reused', row.id);
        return { ok: false, reason: 'reused', ...who };
      }
      if (found.expires_at <= now) return { ok: false, reason: 'expired', ...who };
      // Rotation alone would let a stolen family live for ever: past its absolute age, sign in again.
      if (now - row.created_at >= maxAgeMs) {
        revoke.run(now, 'session_max_age', row.id);
        return { ok: false, reason: 'too_old', ...who };
      }
      markUsed.run(now, hashToken(presented));
      touch.run(now, row.id);
      return { ok: true, principal: principalOf(row), refreshToken: issue(row.id, now) };
    }),

    /** The session a refresh token belongs to (for sign-out when the access token has expired). */
    sessionOfRefreshToken: (presented: string) => token.get(hashToken(presented))?.session_id,

    end: (sessionId: string, reason: string) => revoke.run(Date.now(), reason, sessionId).changes > 0,

    /** Drops expired tokens (reuse of an expired token is refused as expired anyway) and long-dead sessions. */
    purge(now = Date.now()) {
      const tokens = purgeTokens.run(now).changes;
      const sessions = purgeSessions.run(now - refreshTtlMs, now - refreshTtlMs).changes;
      return { tokens, sessions };
    },
  };
}

export type SessionStore = ReturnType<typeof sessionStore>;
