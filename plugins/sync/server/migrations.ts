import type { Database } from 'better-sqlite3';
import type { Migration } from '../../../runtime/plugin/server';

export const syncMigrations: readonly Migration<Database>[] = [
  {
    version: 1,
    up: `
      -- A room's two documents, and its queue: SQLite is the truth for the queue, the room-state
      -- document mirrors it (written in the same transaction, see journal below).
      CREATE TABLE sync_rooms (
        room_id TEXT PRIMARY KEY,
        patch_doc_id TEXT NOT NULL UNIQUE,
        state_doc_id TEXT NOT NULL UNIQUE,
        seq INTEGER NOT NULL DEFAULT 0,
        queue TEXT NOT NULL DEFAULT '[]',
        now_playing TEXT,
        active_preset TEXT,
        created_at INTEGER NOT NULL
      );
      -- Every command id a room has seen, with its first answer: a resend gets that answer again.
      CREATE TABLE sync_commands (
        room_id TEXT NOT NULL,
        command_id TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('ack', 'rejected')),
        result_json TEXT NOT NULL,
        seq INTEGER,
        user_id TEXT NOT NULL,
        applied_at INTEGER NOT NULL,
        PRIMARY KEY (room_id, command_id)
      );
      -- Document changes written synchronously as they happen, before any peer can receive them;
      -- deleted once the Automerge storage holds them. Replayed at start after a crash.
      CREATE TABLE sync_journal (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        doc_id TEXT NOT NULL,
        bytes BLOB NOT NULL
      );
    `,
  },
];
