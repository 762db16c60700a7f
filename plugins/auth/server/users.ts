import { randomBytes } from 'node:crypto';
import type { Database } from 'better-sqlite3';

export interface UserRow {
  id: string;
  username: string;
  password_hash: string;
  created_at: number;
}

export function userStore(db: Database) {
  const byName = db.prepare<[string], UserRow>('SELECT * FROM auth_users WHERE username = ?');
  const insert = db.prepare('INSERT INTO auth_users (id, username, password_hash, created_at) VALUES (?, ?, ?, ?)');
  const setHash = db.prepare('UPDATE auth_users SET password_hash = ? WHERE id = ?');
  return {
    byName: (username: string) => byName.get(username),
    /** Undefined when the name is taken. */
    create(username: string, passwordHash: string): UserRow | undefined {
      const user = { id: `u_${randomBytes(9).toString('base64url')}`, username, password_hash: passwordHash, created_at: Date.now() };
      try {
        insert.run(user.id, user.username, user.password_hash, user.created_at);
        return user;
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') return undefined;
        throw error;
      }
    },
    setPasswordHash: (id: string, hash: string) => void setHash.run(hash, id),
  };
}
