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
  created: 'i.created_at, i.seq',
  '-created': 'i.created_at DESC, i.seq DESC',
  duration: 'i.duration IS NULL, i.duration, i.seq',
  '-duration': 'i.duration IS NULL, i.duration DESC, i.seq DESC',
  size: 'i.size IS NULL, i.size, i.seq',
  '-size': 'i.size IS NULL, i.size DESC, i.seq DESC',
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
  const insertTag = db.prepare('INSERT OR IGNORE INTO library_item_tags (tag, item) VALUES (?, ?)');
  const deleteTags = db.prepare('DELETE FROM library_item_tags WHERE item = ?');
  const byId = db.prepare<[string], ItemRow>('SELECT * FROM library_items WHERE id = ?');
  const byUrl = db.prepare<[string], { id: string }>("SELECT id FROM library_items WHERE kind = 'media' AND url = ?");
  const remove = db.prepare('DELETE FROM library_items WHERE id = ?');
  const updateBuiltin = db.prepare(
    'UPDATE library_items SET title = @title, description = @description, tags = @tags, preset_kind = @preset_kind, preset_body = @preset_body, author = @author, search_filters = @search_filters WHERE id = @id',
  );
  const builtinIds = db.prepare<[], { id: string }>('SELECT id FROM library_items WHERE builtin = 1');
  const ranked = db.prepare<[string, number, number, number], ItemRow>(
    `WITH recent AS (SELECT rowid AS seq, ${BM25} AS score FROM library_fts WHERE library_fts MATCH ? ORDER BY rowid DESC LIMIT ?),
          best AS (SELECT seq, score FROM recent ORDER BY score, seq DESC LIMIT ? OFFSET ?)
     SELECT ${LIST_COLUMNS} FROM best JOIN library_items i ON i.seq = best.seq ORDER BY best.score, best.seq DESC`,
  );
  const older = db.prepare<[string, number, number], ItemRow>(
    `WITH older AS (SELECT rowid AS seq FROM library_fts WHERE library_fts MATCH ? ORDER BY rowid DESC LIMIT ? OFFSET ?)
     SELECT ${LIST_COLUMNS} FROM older JOIN library_items i ON i.seq = older.seq ORDER BY older.seq DESC`,
  );
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
    if (rows.length < limit && windowFull) rows.push(...older.all(match, limit - rows.length, Math.max(offset, rankWindow)));
    return rows;
  };

  const add = (row: Omit<ItemRow, 'seq' | 'search_filters'>, tags: readonly string[]) => {
    const seq = Number(insert.run({ ...row, search_filters: filterTokens(row.kind, tags).join(' ') }).lastInsertRowid);
    for (const tag of tags) insertTag.run(tag, seq);
    return seq;
  };

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
    /** A page of items; the statement for each shape of query is prepared once. */
    list(query: ListQuery): ReturnType<typeof toListItem>[] {
      const page = [query.limit, query.offset];
      if (query.words) {
        const match = ftsExpression(query.words, query.kind, query.tags);
        if (query.sort === 'relevance') return search(match, query.limit, query.offset).map(toListItem);
        const sql = `SELECT ${LIST_COLUMNS} FROM library_items i WHERE i.seq IN (SELECT rowid FROM library_fts WHERE library_fts MATCH ?) ORDER BY ${ORDER[query.sort]} LIMIT ? OFFSET ?`;
        return (cached(sql).all(match, ...page) as ItemRow[]).map(toListItem);
      }
      const where: string[] = [];
      const params: unknown[] = [];
      if (query.kind) {
        where.push('i.kind = ?');
        params.push(query.kind);
      }
      for (const tag of query.tags) {
        where.push('i.seq IN (SELECT item FROM library_item_tags WHERE tag = ?)');
        params.push(tag);
      }
      const sort = query.sort === 'relevance' ? '-created' : query.sort;
      const sql = `SELECT ${LIST_COLUMNS} FROM library_items i ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${ORDER[sort]} LIMIT ? OFFSET ?`;
      return (cached(sql).all(...params, ...page) as ItemRow[]).map(toListItem);
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
        deleteTags.run(existing.seq);
        for (const tag of preset.tags) insertTag.run(tag, existing.seq);
      }
    }),

    remove: (id: string) => remove.run(id).changes > 0,

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
