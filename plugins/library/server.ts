import { resolve } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { Middleware } from 'koa';
import { defineServerPlugin, type LibraryItemRef, type RequestState, type ServerPluginHost } from '../../runtime/plugin/server';
import { library } from './manifest';
import { libraryMigrations } from './server/migrations';
import { libraryRoutes } from './server/routes';
import { searchTimings } from './server/search-timings';
import { readStarterPresets } from './server/starter-presets';
import { libraryStore } from './server/store';

const FLUSH_MS = 5000;

/**
 * The library: `/api/library/items` (browse and search), media items, manifest import, saved
 * presets. The starter presets are seeded at every start, so the library follows the files.
 */
export default defineServerPlugin({
  manifest: library,
  migrations: libraryMigrations,
  setup(host: ServerPluginHost<Database>) {
    const presetsDir = resolve(host.env.string('LIBRARY_PRESETS_DIR', 'presets'));
    const importMaxRows = host.env.int('LIBRARY_IMPORT_MAX_ROWS', 5000, 1, 100_000);
    const store = libraryStore(host.db, { rankWindow: host.env.int('LIBRARY_RANK_WINDOW', 1000, 24, 100_000) });
    const timings = searchTimings(host.db);
    let timer: NodeJS.Timeout | undefined;
    // Other plugins (sync's queue) look items up through ctx.state, never through these tables.
    const itemLookup: Middleware<RequestState> = (ctx, next) => {
      ctx.state.libraryItem = (id: string): LibraryItemRef | null => {
        const row = store.ownerOf(id);
        if (!row) return null;
        if (row.kind === 'preset') return { kind: 'preset', id: row.id, title: row.title, presetKind: row.preset_kind ?? 'patch', body: row.preset_body ?? '' };
        return row.url && row.mime_type ? { kind: 'media', id: row.id, title: row.title, url: row.url, mime: row.mime_type, duration: row.duration } : null;
      };
      return next();
    };
    return {
      middleware: [itemLookup],
      router: libraryRoutes({ store, timings, importMaxRows }),
      start() {
        const starters = readStarterPresets(presetsDir, host.log);
        store.syncBuiltins(starters);
        timings.prune();
        timer = setInterval(() => timings.flush(), FLUSH_MS).unref();
        host.log.info('library ready', { starter_presets: starters.length });
      },
      stop() {
        clearInterval(timer);
        timings.flush();
      },
    };
  },
});
