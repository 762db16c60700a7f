import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

/**
 * The one SQLite file every plugin shares, under the data dir. WAL lets readers (search) run while
 * a write commits; synchronous=NORMAL is durable across a process crash (a power cut may lose the
 * last commits, never corrupt the file).
 */
export function openDatabase(dataDir: string): Db {
  // Owner only: the directory holds password hashes, session records and the signing keys.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = new Database(join(dataDir, 'patchroom.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Searches read index pages all over a large file: map it and keep a bigger page cache than
  // SQLite's 2 MB default, so a query reads memory rather than making a system call per page.
  db.pragma(`mmap_size = ${256 * 1024 * 1024}`);
  db.pragma('cache_size = -32768');
  return db;
}

/** Refreshes the planner's statistics where they went stale (SQLite's advice for long-lived connections). */
export function optimizeDatabase(db: Db): void {
  if (db.open) db.pragma('optimize');
}

/** Folds the WAL back into the main file, then closes: the next start opens a clean database. */
export function closeDatabase(db: Db): void {
  if (!db.open) return;
  optimizeDatabase(db);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

export function databaseResponds(db: Db): boolean {
  try {
    return db.open && db.prepare('SELECT 1 AS ok').get() !== undefined;
  } catch {
    return false;
  }
}
