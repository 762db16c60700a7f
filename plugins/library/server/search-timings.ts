import type { Database } from 'better-sqlite3';

const FLUSH_EVERY = 500;
const KEEP_DAYS = 30;

/**
 * Records the server-side time of every browse and search for the library SLO. Measurements are
 * buffered and written in batches, so recording costs a search no disk write.
 */
export function searchTimings(db: Database) {
  const insert = db.prepare('INSERT INTO library_search_timings (at, ms, searched, hits) VALUES (?, ?, ?, ?)');
  const prune = db.prepare('DELETE FROM library_search_timings WHERE at < ?');
  const recent = db.prepare<[number], { ms: number }>('SELECT ms FROM library_search_timings WHERE at >= ? ORDER BY ms');
  let buffer: Array<[number, number, number, number]> = [];
  const flush = db.transaction((rows: typeof buffer) => {
    for (const row of rows) insert.run(...row);
  });

  const api = {
    record(ms: number, searched: boolean, hits: number) {
      buffer.push([Date.now(), ms, searched ? 1 : 0, hits]);
      if (buffer.length >= FLUSH_EVERY) api.flush();
    },
    flush() {
      if (!buffer.length) return;
      const rows = buffer;
      buffer = [];
      flush(rows);
    },
    prune: () => prune.run(Date.now() - KEEP_DAYS * 86_400_000).changes,
    /** Count and percentiles over the last `windowMs`. */
    summary(windowMs: number) {
      api.flush();
      const values = recent.all(Date.now() - windowMs).map((r) => r.ms);
      const at = (q: number) => (values.length ? values[Math.min(values.length - 1, Math.floor(q * values.length))]! : null);
      return { count: values.length, p50Ms: at(0.5), p95Ms: at(0.95), p99Ms: at(0.99), windowMs };
    },
  };
  return api;
}
