// Library and sign-in benchmark: prints its figures, then one line of JSON.
//
//   search_p95_ms, search_p99_ms   server-side time of library searches (the Server-Timing "total"
//                                  of each request: session check, query, paging) over a mixed
//                                  load of prefix, multi-word, tag-filtered and no-hit searches,
//                                  with 100,000 media items in the library (target p95 ≤ 10)
//   login_p95_ms                   server-side time of a password sign-in (scrypt dominates)
//
// Needs `npm run build`. Runs the built server on a free port with a throw-away data dir.
import { startBuiltServer } from './built-server.mjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { log, quantile, round } from './stats.mjs';

const root = join(import.meta.dirname, '..');
const ITEMS = Number(process.env.BENCH_ITEMS ?? 100_000);
const SEARCHES = Number(process.env.BENCH_SEARCHES ?? 2000);
const LOGINS = Number(process.env.BENCH_LOGINS ?? 40);
const CHUNK = 5000;

/** Deterministic pseudo-random numbers, so every run searches the same library. */
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(20260401);
const pick = (list) => list[Math.floor(random() * list.length)];
/** Zipf-like: low indexes far more often, as words and tags are in real catalogues. */
const pickSkewed = (list) => list[Math.floor(list.length * random() ** 2.2)];

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ra', 'so', 'tu', 'vi', 'zen', 'or', 'an', 'el', 'is', 'um', 'qua', 'dri', 'fal', 'gor', 'hel', 'jun', 'bra', 'cle', 'dus', 'fen', 'gly', 'mor', 'pel', 'sta', 'tri', 'wex'];
const WORDS = [...new Set(Array.from({ length: 4000 }, () => Array.from({ length: 2 + Math.floor(random() * 2) }, () => pick(SYLLABLES)).join('')))];
const TAGS = Array.from({ length: 80 }, (_, i) => `${pick(['ambient', 'loop', 'glitch', 'nature', 'city', 'retro', 'neon', 'water', 'space', 'dance'])}-${i}`);

function mediaItem(i) {
  const words = (n) => Array.from({ length: n }, () => pickSkewed(WORDS)).join(' ');
  const type = pick(['video/mp4', 'video/mp4', 'video/webm', 'audio/mpeg', 'image/png']);
  return {
    title: words(2 + Math.floor(random() * 4)),
    url: `https://archive.org/download/bench-${i}/file-${i}.${type.split('/')[1]}`,
    mimeType: type,
    duration: type.startsWith('image') ? undefined : round(5 + random() * 600, 1),
    size: Math.floor(1e5 + random() * 5e8),
    tags: [...new Set(Array.from({ length: 1 + Math.floor(random() * 4) }, () => pickSkewed(TAGS)))],
    description: words(8 + Math.floor(random() * 12)),
    source: 'archive.org',
    licence: pick(['CC0', 'CC-BY-4.0', 'CC-BY-SA-4.0', 'Public Domain']),
  };
}

/** Mixed queries, as people type them: prefixes, several words, with a tag filter, and nothing found. */
function query() {
  const word = pickSkewed(WORDS);
  const kind = random();
  if (kind < 0.35) return { type: 'prefix', q: word.slice(0, 2 + Math.floor(random() * (word.length - 1))) };
  if (kind < 0.65) return { type: 'multi-word', q: `${pickSkewed(WORDS)} ${word.slice(0, 3 + Math.floor(random() * 3))}` };
  if (kind < 0.9) return { type: 'tag filter', q: random() < 0.5 ? word.slice(0, 3) : '', tag: pickSkewed(TAGS) };
  return { type: 'no hit', q: `${pick(['zzq', 'xqj', 'qqv'])}${Math.floor(random() * 1000)}` };
}

function startServer(dataDir) {
  return startBuiltServer({ DATA_DIR: dataDir, BODY_LIMIT: String(16 * 1024 * 1024), LIBRARY_IMPORT_MAX_ROWS: String(CHUNK), LOGIN_MAX_FAILURES: '1000' });
}

/** Server-side milliseconds of an answer, from its Server-Timing header. */
function serverTime(res, metric) {
  const match = new RegExp(`${metric};dur=([\\d.]+)`).exec(res.headers.get('server-timing') ?? '');
  if (!match) throw new Error(`no ${metric} timing on ${res.url}`);
  return Number(match[1]);
}

function client(base) {
  let cookie = '';
  return async (method, path, body) => {
    const res = await fetch(base + path, {
      method,
      headers: { 'X-Patchroom-CSRF': '1', ...(cookie ? { Cookie: cookie } : {}), ...(body ? { 'Content-Type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const set = res.headers.getSetCookie().map((c) => c.split(';')[0]);
    if (set.length) cookie = set.filter((c) => !c.endsWith('=')).join('; ');
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
    return res;
  };
}

const dataDir = mkdtempSync(join(tmpdir(), 'patchroom-bench-'));
const server = await startServer(dataDir);
try {
  const call = client(server.url);
  await call('POST', '/api/auth/register', { username: 'bench', password: 'bench password 1' });

  let started = performance.now();
  for (let from = 0; from < ITEMS; from += CHUNK) {
    const items = Array.from({ length: Math.min(CHUNK, ITEMS - from) }, (_, i) => mediaItem(from + i));
    await call('POST', '/api/library/media/import', { items });
  }
  log(`imported ${ITEMS.toLocaleString('en')} media items in ${round((performance.now() - started) / 1000, 1)} s`);

  // Warm up caches and prepared statements, as a running server would be.
  for (let i = 0; i < 200; i++) {
    const { q, tag } = query();
    await call('GET', `/api/library/items?q=${encodeURIComponent(q)}${tag ? `&tag=${tag}` : ''}`);
  }

  const byType = new Map();
  const totals = [];
  const queryOnly = [];
  const roundTrips = [];
  for (let i = 0; i < SEARCHES; i++) {
    const { type, q, tag } = query();
    const sent = performance.now();
    const res = await call('GET', `/api/library/items?q=${encodeURIComponent(q)}${tag ? `&tag=${tag}` : ''}`);
    roundTrips.push(performance.now() - sent);
    const total = serverTime(res, 'total');
    totals.push(total);
    queryOnly.push(serverTime(res, 'search'));
    byType.set(type, [...(byType.get(type) ?? []), total]);
  }
  log(`searches: ${SEARCHES}, server-side p50 ${round(quantile(totals, 0.5))} ms, p95 ${round(quantile(totals, 0.95))} ms, p99 ${round(quantile(totals, 0.99))} ms, max ${round(Math.max(...totals))} ms`);
  for (const [type, values] of byType) log(`  ${type.padEnd(11)} n=${String(values.length).padStart(4)}  p50 ${round(quantile(values, 0.5))} ms  p95 ${round(quantile(values, 0.95))} ms`);
  log(`  query alone p95 ${round(quantile(queryOnly, 0.95))} ms; round trip seen by the client p95 ${round(quantile(roundTrips, 0.95))} ms`);

  const logins = [];
  const loginTrips = [];
  for (let i = 0; i < LOGINS; i++) {
    started = performance.now();
    const res = await call('POST', '/api/auth/login', { username: 'bench', password: 'bench password 1' });
    loginTrips.push(performance.now() - started);
    logins.push(serverTime(res, 'total'));
  }
  log(`logins: ${LOGINS}, server-side p50 ${round(quantile(logins, 0.5))} ms, p95 ${round(quantile(logins, 0.95))} ms; round trip p95 ${round(quantile(loginTrips, 0.95))} ms`);

  log(JSON.stringify({ search_p95_ms: round(quantile(totals, 0.95)), search_p99_ms: round(quantile(totals, 0.99)), login_p95_ms: round(quantile(logins, 0.95)) }));
} finally {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
