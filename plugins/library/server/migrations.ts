import type { Database } from 'better-sqlite3';
import type { Migration } from '../../../runtime/plugin/server';

export const libraryMigrations: readonly Migration<Database>[] = [
  {
    version: 1,
    up: `
      -- Media items and presets in one table, so one search ranks both. Columns of the other kind stay NULL.
      CREATE TABLE library_items (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL CHECK (kind IN ('media', 'preset')),
        title TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        -- normalised tags joined by spaces
        tags TEXT NOT NULL DEFAULT '',
        source TEXT NOT NULL DEFAULT '',
        licence TEXT NOT NULL DEFAULT '',
        url TEXT,
        mime_type TEXT,
        duration REAL,
        size INTEGER,
        preset_kind TEXT CHECK (preset_kind IN ('patch', 'code')),
        preset_body TEXT,
        author TEXT NOT NULL DEFAULT '',
        builtin INTEGER NOT NULL DEFAULT 0,
        created_by TEXT,
        created_at INTEGER NOT NULL,
        -- kind and tags as single tokens (see search-query.ts): every kind and tag filter runs inside the FTS index
        search_filters TEXT NOT NULL
      );
      CREATE UNIQUE INDEX library_items_media_url ON library_items (url) WHERE kind = 'media';
      -- Sort orders. "created" is seq order (items are numbered as they are added). Unknown
      -- durations and sizes sort last both ways: ascending needs its own index for that.
      CREATE INDEX library_items_by_title ON library_items (title COLLATE NOCASE, seq);
      CREATE INDEX library_items_by_kind_title ON library_items (kind, title COLLATE NOCASE, seq);
      CREATE INDEX library_items_by_kind ON library_items (kind);
      CREATE INDEX library_items_by_duration ON library_items (duration, seq);
      CREATE INDEX library_items_by_duration_known_first ON library_items (duration IS NULL, duration, seq);
      CREATE INDEX library_items_by_size ON library_items (size, seq);
      CREATE INDEX library_items_by_size_known_first ON library_items (size IS NULL, size, seq);

      -- Contentless FTS5 index (the text lives in library_items), kept in step by triggers. Prefix
      -- indexes up to 4 characters keep search-as-you-type cheap; "filters" is never searched as text.
      CREATE VIRTUAL TABLE library_fts USING fts5(
        title, tags, description, source, filters,
        content = '', contentless_delete = 1,
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '1 2 3 4'
      );
      CREATE TRIGGER library_items_fts_insert AFTER INSERT ON library_items BEGIN
        INSERT INTO library_fts (rowid, title, tags, description, source, filters) VALUES (new.seq, new.title, new.tags, new.description, new.source, new.search_filters);
      END;
      CREATE TRIGGER library_items_fts_delete AFTER DELETE ON library_items BEGIN
        DELETE FROM library_fts WHERE rowid = old.seq;
      END;
      CREATE TRIGGER library_items_fts_update AFTER UPDATE OF title, tags, description, source, search_filters ON library_items BEGIN
        DELETE FROM library_fts WHERE rowid = old.seq;
        INSERT INTO library_fts (rowid, title, tags, description, source, filters) VALUES (new.seq, new.title, new.tags, new.description, new.source, new.search_filters);
      END;

      -- Server-side time of every browse and search, for the library SLO.
      CREATE TABLE library_search_timings (
        at INTEGER NOT NULL,
        ms REAL NOT NULL,
        searched INTEGER NOT NULL,
        hits INTEGER NOT NULL
      );
      CREATE INDEX library_search_timings_by_time ON library_search_timings (at);
    `,
  },
];
