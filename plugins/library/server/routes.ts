import Router from '@koa/router';
import { InputError, queryFields, readChoice, readNumber, readObject, readOptionalString, readString, type Fields } from '../../../runtime/plugin/request-input';
import { HttpError, requireUser, type RequestState } from '../../../runtime/plugin/server';
import { patchPreset } from '../../../runtime/presets/preset';
import { normaliseTag, readMedia, readPreset, TAG_RULE, type MediaInput } from './item-input';
import { ftsWords } from './search-query';
import type { searchTimings } from './search-timings';
import { SORTS, type LibraryStore } from './store';

/** Pages go this deep at most; past it, narrow the search (offset paging gets slower with depth). */
const MAX_OFFSET = 10_000;
const MAX_TAG_FILTERS = 5;
const ITEM_ID = /^[a-z]_[A-Za-z0-9_-]{1,64}$/;
/** An import this large is followed by a WAL checkpoint (see `settleAfterBulkWrite`). */
const BULK_ROWS = 1000;
/** At most this many errors are listed in an import report; the counts stay exact. */
const MAX_REPORTED_ERRORS = 1000;

interface Deps {
  store: LibraryStore;
  timings: ReturnType<typeof searchTimings>;
  importMaxRows: number;
}

/** /api/library: for signed-in accounts. Browse and search share one route: `q` makes it a search. */
export function libraryRoutes({ store, timings, importMaxRows }: Deps): Router<RequestState> {
  const router = new Router<RequestState>();

  router.use((ctx, next) => {
    requireUser(ctx.state);
    return next();
  });

  router.get('/items', (ctx) => {
    const started = performance.now();
    const query = queryFields(ctx.query, ['tag']);
    const text = readOptionalString(query, 'q', { min: 0, max: 200 }) ?? '';
    const kind = query.kind === undefined ? undefined : readChoice(query, 'kind', ['media', 'preset'] as const);
    const tags = readTagFilters(query);
    const sort = readChoice(query, 'sort', SORTS, text ? 'relevance' : '-created');
    const limit = query.limit === undefined ? 24 : readNumber(query, 'limit', { min: 1, max: 100, integer: true, fromText: true });
    const offset = readCursor(query);
    const words = text ? ftsWords(text) : undefined;
    // Typed text with no letters or digits in it (say "%%") searches for nothing: it matches nothing.
    const items = text && !words ? [] : store.list({ words, kind, tags, sort, limit, offset });
    const next = items.length === limit && offset + limit < MAX_OFFSET ? encodeCursor(offset + limit) : null;
    const ms = performance.now() - started;
    timings.record(ms, Boolean(text), items.length);
    ctx.append('Server-Timing', `search;dur=${ms.toFixed(3)}`);
    ctx.body = { items, nextCursor: next };
  });

  router.get('/items/:id', (ctx) => {
    const item = ITEM_ID.test(ctx.params.id ?? '') ? store.get(ctx.params.id!) : undefined;
    if (!item) throw new HttpError(404, 'item_not_found', 'No such library item.');
    ctx.body = { item };
  });

  router.delete('/items/:id', (ctx) => {
    const user = requireUser(ctx.state);
    const row = ITEM_ID.test(ctx.params.id ?? '') ? store.ownerOf(ctx.params.id!) : undefined;
    if (!row) throw new HttpError(404, 'item_not_found', 'No such library item.');
    if (row.builtin) throw new HttpError(403, 'forbidden', 'Starter presets cannot be deleted.');
    if (row.created_by !== user.id) throw new HttpError(403, 'forbidden', 'Only whoever added an item may delete it.');
    store.remove(row.id);
    ctx.status = 204;
  });

  router.post('/media', (ctx) => {
    const user = requireUser(ctx.state);
    const media = readMedia(ctx.state.body);
    if (store.urlTaken(media.url)) throw new HttpError(409, 'duplicate_url', 'The library already holds an item with this URL.');
    const id = store.addMedia(media, user.id);
    ctx.status = 201;
    ctx.body = { item: store.get(id) };
  });

  router.post('/media/import', (ctx) => {
    const user = requireUser(ctx.state);
    const rows = readObject(ctx.state.body).items;
    if (!Array.isArray(rows) || rows.length === 0 || rows.length > importMaxRows) {
      throw new InputError('items', `"items" must be a list of 1 to ${importMaxRows} media items.`);
    }
    const errors: Array<{ row: number; field: string; message: string }> = [];
    const valid: Array<{ row: number; media: MediaInput }> = [];
    const seen = new Set<string>();
    rows.forEach((value: unknown, row) => {
      try {
        const media = readMedia(value);
        if (seen.has(media.url) || store.urlTaken(media.url)) throw new InputError('url', 'The library already holds an item with this URL.');
        seen.add(media.url);
        valid.push({ row, media });
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        errors.push({ row, field: error.field, message: error.message });
      }
    });
    const imported = store.transaction(() => valid.map(({ row, media }) => ({ row, id: store.addMedia(media, user.id) })));
    if (imported.length >= BULK_ROWS) store.settleAfterBulkWrite();
    ctx.body = {
      imported: imported.length,
      failed: errors.length,
      items: imported,
      errors: errors.slice(0, MAX_REPORTED_ERRORS),
      errorsTruncated: errors.length > MAX_REPORTED_ERRORS,
    };
  });

  router.post('/presets', (ctx) => {
    const user = requireUser(ctx.state);
    const preset = readPreset(ctx.state.body);
    if (preset.presetKind === 'patch') {
      try {
        preset.body = (patchPreset('saved', { name: preset.title, patch: preset.body }) as { patch: unknown }).patch;
      } catch (error) {
        throw new HttpError(400, 'invalid_patch', (error as Error).message.replace(/^Preset "saved": /, 'The patch is not valid: '));
      }
    }
    const id = store.addPreset(preset, user.id);
    ctx.status = 201;
    ctx.body = { item: store.get(id) };
  });

  router.get('/stats', (ctx) => {
    const query = queryFields(ctx.query);
    const windowSeconds = query.window === undefined ? 3600 : readNumber(query, 'window', { min: 60, max: 30 * 86_400, integer: true, fromText: true });
    ctx.body = { search: timings.summary(windowSeconds * 1000) };
  });

  return router;
}

function readTagFilters(query: Fields): string[] {
  const raw = (query.tag as string[] | undefined) ?? [];
  if (raw.length > MAX_TAG_FILTERS) throw new InputError('tag', `At most ${MAX_TAG_FILTERS} "tag" filters.`);
  return raw.map((tag) => readString({ tag: normaliseTag(tag) }, 'tag', TAG_RULE));
}

function encodeCursor(offset: number): string {
  return Buffer.from(`o${offset}`).toString('base64url');
}

function readCursor(query: Fields): number {
  if (query.cursor === undefined) return 0;
  const cursor = readString(query, 'cursor', { max: 40 });
  const match = /^o(\d{1,6})$/.exec(Buffer.from(cursor, 'base64url').toString('latin1'));
  const offset = match ? Number(match[1]) : Number.NaN;
  if (!(offset >= 0 && offset <= MAX_OFFSET)) throw new InputError('cursor', '"cursor" must be a nextCursor value from an earlier answer.');
  return offset;
}
