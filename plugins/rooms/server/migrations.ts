import type { Database } from 'better-sqlite3';
import type { Migration } from '../../../runtime/plugin/server';

export const roomsMigrations: readonly Migration<Database>[] = [
  {
    version: 1,
    up: `
      CREATE TABLE rooms_rooms (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        visibility TEXT NOT NULL CHECK (visibility IN ('public', 'private')),
        owner_id TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX rooms_rooms_by_owner ON rooms_rooms (owner_id);
      -- user_name is copied from the session when the member joins: plugins share no tables.
      CREATE TABLE rooms_members (
        room_id TEXT NOT NULL REFERENCES rooms_rooms (id) ON DELETE CASCADE,
        user_id TEXT NOT NULL,
        user_name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('owner', 'performer', 'viewer')),
        joined_at INTEGER NOT NULL,
        PRIMARY KEY (room_id, user_id)
      );
      CREATE INDEX rooms_members_by_user ON rooms_members (user_id);
      -- Invite tokens are stored hashed: the database alone cannot be used to join a room.
      CREATE TABLE rooms_invites (
        id TEXT PRIMARY KEY,
        room_id TEXT NOT NULL REFERENCES rooms_rooms (id) ON DELETE CASCADE,
        token_hash TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('performer', 'viewer')),
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        max_uses INTEGER,
        uses INTEGER NOT NULL DEFAULT 0,
        revoked_at INTEGER
      );
      CREATE INDEX rooms_invites_by_room ON rooms_invites (room_id);
    `,
  },
  {
    // The role every signed-in account has in a room without joining it (the demo room: everyone performs).
    version: 2,
    up: "ALTER TABLE rooms_rooms ADD COLUMN open_role TEXT CHECK (open_role IN ('performer', 'viewer'))",
  },
  {
    // The library preset a room's patch starts from (the demo room starts from a starter patch).
    version: 3,
    up: 'ALTER TABLE rooms_rooms ADD COLUMN starter_preset TEXT',
  },
];
