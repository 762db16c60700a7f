import { randomBytes } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import type { MediaInput, PresetInput } from './item-input';
import { filterTokens, ftsExpression } from './search-query';

interface ItemRow {
  seq: number;
  id: string;
  kind: 'media' | 'preset';
  title: string;
  description: string;
  tags: string;
  source: string;
  licence: string;
  url: string | null;
  mime_type: string | null;
  duration: number | null;
  size: number | null;
  preset_kind: 'patch' | 'code' | null;
  preset_body: string | null;
  author: string;
  builtin: number;
  created_by: string | null;
  created_at: number;
  search_filters: string;
}

export type Sort = 'relevance' | 'title' | '-title' | 'created' | '-created' | 'duration' | '-duration' | 'size' | '-size';
export const SORTS: readonly Sort[] = ['relevance', 'title', '-title', 'created', '-created', 'duration', '-duration', 'size', '-size'];

export interface ListQuery {
  /** Words in FTS5 syntax from `ftsWords`; undefined: browse everything. */
  words?: string | undefined;
  kind?: 'media' | 'preset' | undefined;
  /** Items must carry every one of these tags. */
  tags: readonly string[];
  sort: Sort;
  limit: number;
  offset: number;
}

/** Fixed ORDER BY clauses: no request text ever reaches the SQL. Ties broken by seq, so pages never overlap. */
const ORDER: Record<Exclude<Sort, 'relevance'>, string> = {
  title: 'i.title COLLATE NOCASE, i.seq',
  '-title': 'i.title COLLATE NOCASE DESC, i.seq DESC',
  created: 'i.seq',
  '-created': 'i.seq DESC',
  // NULL sorts lowest in SQLite: descending puts unknown values last by itself.
  duration: 'i.duration IS NULL, i.duration, i.seq',
  '-duration': 'i.duration DESC, i.seq DESC',
  size: 'i.size IS NULL, i.size, i.seq',
  '-size': 'i.size DESC, i.seq DESC',
};
/** Ranking weights per FTS column: title, tags, description, source (filters never count). */
const BM25 = 'bm25(library_fts, 10.0, 5.0, 2.0, 1.0, 0.0)';

const LIST_COLUMNS = 'i.id, i.kind, i.title, i.description, i.tags, i.source, i.licence, i.url, i.mime_type, i.duration, i.size, i.preset_kind, i.author, i.builtin, i.created_by, i.created_at';

/**
 * Items in the library. `rankWindow`: a search ranks (bm25) the newest this many matches of its
 * query; matches beyond them follow, newest first. Every search is bounded work, whatever it matches;
 * a query that matches fewer items is ranked exactly, and typing on narrows any query to that.
 */
export function libraryStore(db: Database, { rankWindow }: { rankWindow: number }) {
  const insert = db.prepare(
    `INSERT INTO library_items (id, kind, title, description, tags, source, licence, url, mime_type, duration, size, preset_kind, preset_body, author, builtin, created_by, created_at, search_filters)
     VALUES (@id, @kind, @title, @description, @tags, @source, @licence, @url, @mime_type, @duration, @size, @preset_kind, @preset_body, @author, @builtin, @created_by, @created_at, @search_filters)`,
  );
  const byId = db.prepare<[string], ItemRow>('SELECT * FROM library_items WHERE id = ?');
  const byUrl = db.prepare<[string], { id: string }>("SELECT id FROM library_items WHERE kind = 'media' AND url = ?");
  const remove = db.prepare('DELETE FROM library_items WHERE id = ?');
  const updateBuiltin = db.prepare(
    'UPDATE library_items SET title = @title, description = @description, tags = @tags, preset_kind = @preset_kind, preset_body = @preset_body, author = @author, search_filters = @search_filters WHERE id = @id',
  );
  const builtinIds = db.prepare<[], { id: string }>('SELECT id FROM library_items WHERE builtin = 1');
  // CROSS JOIN fixes the loop order (the ranked page outside, items looked up by key): statistics
  // gathered while the library was small must not turn this into a scan of every item.
  const ranked = db.prepare<[string, number, number, number], ItemRow>(
    `WITH recent AS (SELECT rowid AS seq, ${BM25} AS score FROM library_fts WHERE library_fts MATCH ? ORDER BY rowid DESC LIMIT ?),
          best AS (SELECT seq, score FROM recent ORDER BY score, seq DESC LIMIT ? OFFSET ?)
     SELECT ${LIST_COLUMNS} FROM best CROSS JOIN library_items i ON i.seq = best.seq ORDER BY best.score, best.seq DESC`,
  );
  /** Matches in index order, newest (or oldest) first: a page costs the same however many items match. */
  const inOrder = (direction: 'ASC' | 'DESC') =>
    db.prepare<[string, number, number], ItemRow>(
      `WITH page AS (SELECT rowid AS seq FROM library_fts WHERE library_fts MATCH ? ORDER BY rowid ${direction} LIMIT ? OFFSET ?)
       SELECT ${LIST_COLUMNS} FROM page CROSS JOIN library_items i ON i.seq = page.seq ORDER BY page.seq ${direction}`,
    );
  const newest = inOrder('DESC');
  const oldest = inOrder('ASC');
  const lists = new Map<string, Statement>();
  const cached = (sql: string) => {
    let statement = lists.get(sql);
    if (!statement) lists.set(sql, (statement = db.prepare(sql)));
    return statement;
  };

  /** Relevance order: the rank window first, then older matches. */
  const search = (match: string, limit: number, offset: number): ItemRow[] => {
    const rows = offset < rankWindow ? ranked.all(match, rankWindow, Math.min(limit, rankWindow - offset), offset) : [];
    const windowFull = offset >= rankWindow || offset + rows.length === rankWindow;
    if (rows.length < limit && windowFull) rows.push(...newest.all(match, limit - rows.length, Math.max(offset, rankWindow)));
    return rows;
  };

  const add = (row: Omit<ItemRow, 'seq' | 'search_filters'>, tags: readonly string[]) =>
    void insert.run({ ...row, search_filters: filterTokens(row.kind, tags).join(' ') });

const addPreset = (preset: PresetInput & { id?: string; author?: string; builtin?: boolean }, createdBy: string | null): string => {
    const id = preset.id ?? `p_${randomBytes(9).toString('base64url')}`;
    add(
      {
        id,
        kind: 'preset',
        title: preset.title,
        description: preset.description,
        tags: preset.tags.join(' '),
        source: preset.builtin ? 'Patchroom starter presets' : '',
        licence: preset.builtin ? 'AGPL-3.0-or-later' : '',
        url: null,
        mime_type: null,
        duration: null,
        size: null,
        preset_kind: preset.presetKind,
        preset_body: typeof preset.body === 'string' ? preset.body : JSON.stringify(preset.body),
        author: preset.author ?? '',
        builtin: preset.builtin ? 1 : 0,
        created_by: createdBy,
        created_at: Date.now(),
      },
      preset.tags,
    );
    return id;
  };

  return {
    /**
     * A page of items. Text, kind and tags are matched in the FTS index; a relevance page is ranked
     * in the rank window; a "created" page walks the index in order; other sorts sort the matches
     * (or, with no filter, walk their own index). Statements are prepared once per shape.
     */
    list(query: ListQuery): ReturnType<typeof toListItem>[] {
      const { limit, offset } = query;
      const filtered = query.words !== undefined || query.kind !== undefined || query.tags.length > 0;
      const sort = query.sort === 'relevance' && !query.words ? '-created' : query.sort;
      let rows: ItemRow[];
      if (!filtered) {
        rows = cached(`SELECT ${LIST_COLUMNS} FROM library_items i ORDER BY ${ORDER[sort as Exclude<Sort, 'relevance'>]} LIMIT ? OFFSET ?`).all(limit, offset) as ItemRow[];
      } else {
        const match = ftsExpression(query.words, query.kind, query.tags);
        if (sort === 'relevance') rows = search(match, limit, offset);
        else if (sort === '-created' || sort === 'created') rows = (sort === '-created' ? newest : oldest).all(match, limit, offset);
        else rows = cached(`SELECT ${LIST_COLUMNS} FROM library_items i WHERE i.seq IN (SELECT rowid FROM library_fts WHERE library_fts MATCH ?) ORDER BY ${ORDER[sort]} LIMIT ? OFFSET ?`).all(match, limit, offset) as ItemRow[];
      }
      return rows.map(toListItem);
    },

    get(id: string) {
      const row = byId.get(id);
      return row && toFullItem(row);
    },

    ownerOf: (id: string) => byId.get(id),

    urlTaken: (url: string) => byUrl.get(url) !== undefined,

    addMedia(media: MediaInput, createdBy: string): string {
      const id = `m_${randomBytes(9).toString('base64url')}`;
      add(
        {
          id,
          kind: 'media',
          title: media.title,
          description: media.description,
          tags: media.tags.join(' '),
          source: media.source,
          licence: media.licence,
          url: media.url,
          mime_type: media.mimeType,
          duration: media.duration,
          size: media.size,
          preset_kind: null,
          preset_body: null,
          author: '',
          builtin: 0,
          created_by: createdBy,
          created_at: Date.now(),
        },
        media.tags,
      );
      return id;
    },

    addPreset,

    /** Makes the built-in presets exactly `presets`: updates those that exist, adds new ones, drops removed ones. */
    syncBuiltins: db.transaction((presets: ReadonlyArray<PresetInput & { id: string; author: string }>) => {
      const wanted = new Set(presets.map((p) => p.id));
      for (const { id } of builtinIds.all()) if (!wanted.has(id)) remove.run(id);
      for (const preset of presets) {
        const existing = byId.get(preset.id);
        if (!existing) {
          addPreset({ ...preset, builtin: true }, null);
          continue;
        }
        updateBuiltin.run({
          id: preset.id,
          title: preset.title,
          description: preset.description,
          tags: preset.tags.join(' '),
          preset_kind: preset.presetKind,
          preset_body: typeof preset.body === 'string' ? preset.body : JSON.stringify(preset.body),
          author: preset.author,
          search_filters: filterTokens('preset', preset.tags).join(' '),
        });
      }
    }),

    remove: (id: string) => remove.run(id).changes > 0,

    /**
     * After a bulk write: a large transaction leaves tens of MB of pages in the WAL, and until a later
     * write resets it every search reads those pages from there instead of the memory-mapped file
     * (measured: several ms more a search). Folding the WAL back in now keeps searches fast…
     */
    settleAfterBulkWrite() {
      db.pragma('wal_checkpoint(TRUNCATE)');
      // …and refresh the planner's statistics, which a bulk import makes stale.
      db.pragma('optimize');
    },

    /** Runs `work` in one transaction (imports: all rows commit together, fast). */
    transaction: <T>(work: () => T): T => db.transaction(work)(),
  };
}

export type LibraryStore = ReturnType<typeof libraryStore>;

function toListItem(row: ItemRow) {
  const common = { id: row.id, kind: row.kind, title: row.title, description: row.description, tags: row.tags ? row.tags.split(' ') : [], createdBy: row.created_by, createdAt: row.created_at };
  if (row.kind === 'media') {
    return { ...common, url: row.url, mimeType: row.mime_type, duration: row.duration, size: row.size, source: row.source, licence: row.licence };
  }
  return { ...common, presetKind: row.preset_kind, author: row.author, builtin: row.builtin === 1, source: row.source, licence: row.licence };
}

function toFullItem(row: ItemRow) {
  const item = toListItem(row);
  if (row.kind !== 'preset') return item;
  return row.preset_kind === 'code' ? { ...item, code: row.preset_body } : { ...item, patch: JSON.parse(row.preset_body ?? 'null') as unknown };
}
