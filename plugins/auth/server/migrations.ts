import type { Database } from 'better-sqlite3';
import type { Migration } from '../../../runtime/plugin/server';

export const authMigrations: readonly Migration<Database>[] = [
  {
    version: 1,
    up: `
      CREATE TABLE auth_users (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      -- One row a sign-in (or guest visit): the refresh-token family. Revoking it ends every token of the family.
      CREATE TABLE auth_sessions (
        id TEXT PRIMARY KEY,
        user_id TEXT REFERENCES auth_users (id) ON DELETE CASCADE,
        guest_id TEXT,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER NOT NULL,
        revoked_at INTEGER,
        revoked_reason TEXT,
        CHECK ((user_id IS NULL) <> (guest_id IS NULL))
      );
      CREATE INDEX auth_sessions_by_user ON auth_sessions (user_id);
      -- Only hashes are stored. A used token stays until it expires, so presenting it again is recognised as reuse.
      CREATE TABLE auth_refresh_tokens (
        token_hash TEXT PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES auth_sessions (id) ON DELETE CASCADE,
        issued_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at INTEGER
      );
      CREATE INDEX auth_refresh_tokens_by_session ON auth_refresh_tokens (session_id);
      CREATE INDEX auth_refresh_tokens_by_expiry ON auth_refresh_tokens (expires_at);
    `,
  },
];
