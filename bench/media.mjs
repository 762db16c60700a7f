// Media benchmark: prints its figures, then one line of JSON.
//
//   proxy_vs_direct   throughput of one large file (BENCH_MEDIA_MB, default 64 MB) downloaded through
//                     the media proxy, started as `npm start` starts it (its environment and Node
//                     options read from package.json's start script), ÷ the same file downloaded
//                     straight from the static file server the proxy reads from, in the same run
//                     (median of alternating rounds; target ≥ 0.9)
//
//   bare_pipe_vs_direct  the same for a bare Node pipe (request upstream, pipe the body, nothing
//                     else) in a process of its own: the cost of one more hop on this machine, for scale
//   proxy_vs_bare_pipe  the proxy's throughput ÷ the bare pipe's, per round (median): how near the
//                     proxy comes to the least any Node hop costs, on the same machine at the same moment
//   proxy_cpu_ms_per_mb, bare_pipe_cpu_ms_per_mb  CPU time (user + system, from /proc) the proxy
//                     process, and the bare pipe's, spent per MB passed on (median over rounds):
//                     what each hop costs, whatever share of the cores the scheduler gave it
//   proxy_plain_node_*  the same for the proxy started as plain `node dist/server/main.js` (a
//                     second server process), without the settings of the start script (README,
//                     "Running the server": what each costs the proxy when missing)
//   *_own_core        the same figures again with the hop (proxy, bare pipe) pinned to CPU 1 and
//                     the client and upstream to CPU 0 (taskset): the proxy not competing with
//                     either end for a core, as in production. Extra figures, printed beside
//                     proxy_vs_direct (which stays all-shared); BENCH_MEDIA_PINNED=0 skips them
//   first_frame_*     the browser first-frame figures, from bench/video-first-frame.mjs (see there)
//
// Sections: each is an async function that gets the shared context ({ server, upstream, filesDir })
// and returns its figures; the JSON line merges them. `BENCH_MEDIA_SECTIONS=proxy` runs only the
// named sections (proxy, first_frame).
//
// Needs `npm run build` (or at least `npm run build:server`: without a built client a stub page is
// used, enough for the API). The static file server runs in a child process of its own, like a
// real upstream; the proxy is the built server with loopback allowed.
import { fork } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeSync, closeSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { startBuiltServer } from './built-server.mjs';
import { canPin, pin, unpin } from './cpu-pin.mjs';
import { cpuMs } from './proc-cpu.mjs';
import { firstFrameSection } from './video-first-frame.mjs';
import { log, median, round } from './stats.mjs';

const root = join(import.meta.dirname, '..');
const MB = Number(process.env.BENCH_MEDIA_MB ?? 64);
const ROUNDS = Number(process.env.BENCH_MEDIA_ROUNDS ?? 9);
const PINNED = process.env.BENCH_MEDIA_PINNED !== '0';
const WARMUP = Number(process.env.BENCH_MEDIA_WARMUP ?? 3);

// ---------------------------------------------------------------------------------------------
// The upstream: a plain static file server with Range support, in its own process.
if (process.argv[1] === import.meta.filename && process.argv[2] === '--serve') {
  const dir = process.argv[3];
  const server = createServer((req, res) => {
    const path = join(dir, decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/+/, ''));
    if (!path.startsWith(dir) || !existsSync(path)) {
      res.writeHead(404).end();
      return;
    }
    const size = statSync(path).size;
    const headers = { 'Content-Type': path.endsWith('.mp4') ? 'video/mp4' : 'application/octet-stream', 'Accept-Ranges': 'bytes', ETag: `"${size}"` };
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    let start = 0;
    let end = size - 1;
    if (range) {
      start = Number(range[1]);
      end = range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
      res.writeHead(206, { ...headers, 'Content-Range': `bytes ${start}-${end}/${size}`, 'Content-Length': end - start + 1 });
    } else res.writeHead(200, { ...headers, 'Content-Length': size });
    if (req.method === 'HEAD') return res.end();
    createReadStream(path, { start, end, highWaterMark: 256 * 1024 }).pipe(res);
  });
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
  process.on('disconnect', () => process.exit(0));
}

// A bare pipe for comparison: the least any Node proxy does (one request upstream, its body piped
// to the client), no checks. Tells how much of the gap to direct serving is the extra hop itself.
if (process.argv[1] === import.meta.filename && process.argv[2] === '--pipe') {
  const upstream = process.argv[3];
  const server = createServer((req, res) => {
    request(`${upstream}${req.url}`, { agent: false }, (up) => {
      res.writeHead(up.statusCode, { 'Content-Type': up.headers['content-type'], 'Content-Length': up.headers['content-length'] });
      up.pipe(res);
    }).end();
  });
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
  process.on('disconnect', () => process.exit(0));
}

function startChild(args) {
  const child = fork(import.meta.filename, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('message', ({ port }) => resolve({ origin: `http://127.0.0.1:${port}`, pid: child.pid, stop: () => child.kill() }));
  });
}

/** Downloads a URL on a fresh connection, counting bytes; resolves with bytes and milliseconds. */
export function download(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(url, { agent: false, headers }, (res) => {
      let bytes = 0;
      res.on('data', (chunk) => (bytes += chunk.length));
      res.on('end', () => resolve({ status: res.statusCode, bytes, ms: performance.now() - started, headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

// ---------------------------------------------------------------------------------------------
// Section: proxy throughput against direct static serving.

/**
 * The paths compared with direct serving, each with the process in the middle whose CPU is counted
 * and the prefix of its figures. `proxy` is the server as `npm start` runs it, `proxy_plain_node`
 * the same server started without the start script's settings.
 */
const HOPS = [
  { kind: 'proxy', label: 'through the media proxy', figure: 'proxy', pid: (ctx) => ctx.server.pid },
  { kind: 'proxy_plain', label: 'through the media proxy, plain node start', figure: 'proxy_plain_node', pid: (ctx) => ctx.serverPlain?.pid },
  { kind: 'pipe', label: 'bare Node pipe (no checks)', figure: 'bare_pipe', pid: (ctx) => ctx.pipe.pid },
];

export async function proxySection(ctx) {
  const name = `bench-${MB}mb.bin`;
  const file = join(ctx.filesDir, name);
  // Incompressible bytes, written in pieces (never the whole file in memory).
  const fd = openSync(file, 'w');
  for (let i = 0; i < MB; i++) writeSync(fd, randomBytes(1024 * 1024));
  closeSync(fd);
  const size = statSync(file).size;
  const direct = `${ctx.upstream.origin}/${name}`;
  const viaProxy = (server) => `${server.url}/api/media-proxy?url=${encodeURIComponent(direct)}&cid=bench-proxy-throughput`;
  const urls = { direct, proxy: viaProxy(ctx.server), ...(ctx.serverPlain ? { proxy_plain: viaProxy(ctx.serverPlain) } : {}), pipe: `${ctx.pipe.origin}/${name}` };
  // Warm every path (page cache, JIT, the heap's size) before measuring: the first downloads through
  // either hop cost up to twice the CPU per MB of later ones, the proxy's and the bare pipe's alike.
  for (let i = 0; i < WARMUP; i++) for (const url of Object.values(urls)) await download(url);
  const figures = summarise(await rounds(ctx, urls, size), '');

  // The same with the hop on a core of its own (proxies, bare pipe on CPU 1; the client, this
  // process, and the upstream on CPU 0), as in production where the proxy does not share its CPU
  // with either end. Extra figures: proxy_vs_direct above stays the all-shared measurement.
  if (PINNED && canPin()) {
    const ends = [process.pid, ctx.upstream.pid];
    const hops = HOPS.map((hop) => hop.pid(ctx)).filter(Boolean);
    try {
      pin(ends, '0');
      pin(hops, '1');
      Object.assign(figures, summarise(await rounds(ctx, urls, size), '_own_core'));
    } finally {
      unpin([...ends, ...hops]);
    }
  } else log('hop on its own core: not measured (needs taskset and 2 CPUs, or BENCH_MEDIA_PINNED=0)');
  rmSync(file, { force: true });
  return figures;
}

/**
 * ROUNDS downloads of each URL. Rounds alternate which path goes first; each round's ratio compares
 * downloads made back to back, so load from other processes on the machine mostly cancels out.
 * Also the CPU ms per MB of the process in the middle (proxy, pipe) during its own downloads.
 */
async function rounds(ctx, urls, size) {
  const rates = Object.fromEntries(Object.keys(urls).map((kind) => [kind, []]));
  const ratios = Object.fromEntries(Object.keys(urls).map((kind) => [kind, []]));
  const cpu = Object.fromEntries(Object.keys(urls).map((kind) => [kind, []]));
  const versusPipe = [];
  const middle = Object.fromEntries(HOPS.map((hop) => [hop.kind, hop.pid(ctx)]));
  for (let i = 0; i < ROUNDS; i++) {
    const order = Object.entries(urls);
    const rate = {};
    for (const [kind, url] of i % 2 ? order.reverse() : order) {
      const before = middle[kind] && cpuMs(middle[kind]);
      const res = await download(url);
      const after = middle[kind] && cpuMs(middle[kind]);
      if (res.status !== 200 || res.bytes !== size) throw new Error(`${kind} download: status ${res.status}, ${res.bytes} of ${size} bytes`);
      rate[kind] = res.bytes / 1e6 / (res.ms / 1000);
      rates[kind].push(rate[kind]);
      if (before !== undefined && after !== undefined) cpu[kind].push((after - before) / (res.bytes / 1e6));
    }
    for (const kind of Object.keys(urls)) ratios[kind].push(rate[kind] / rate.direct);
    if (rate.pipe) versusPipe.push(rate.proxy / rate.pipe);
  }
  return { size, rates, ratios, cpu, versusPipe };
}

/** Prints the rounds and returns their figures, each name ending in `suffix`. */
function summarise({ size, rates, ratios, cpu, versusPipe }, suffix) {
  const list = (values, digits = 2) => values.map((r) => round(r, digits)).join(', ');
  log(`file: ${round(size / 1e6, 1)} MB, ${ROUNDS} rounds${suffix ? ` (${suffix.slice(1).replaceAll('_', ' ')})` : ''}`);
  log(`direct static serving: median ${round(median(rates.direct), 0)} MB/s (${list(rates.direct, 0)})`);
  const figures = {};
  for (const hop of HOPS) {
    if (!rates[hop.kind]) continue;
    log(`${hop.label}: median ${round(median(rates[hop.kind]), 0)} MB/s (${list(rates[hop.kind], 0)}); ÷ direct per round: ${list(ratios[hop.kind])}`);
    figures[`${hop.figure}_vs_direct${suffix}`] = round(median(ratios[hop.kind]), 3);
    if (cpu[hop.kind].length) {
      log(`  CPU ms per MB of that process: ${list(cpu[hop.kind])}`);
      figures[`${hop.figure}_cpu_ms_per_mb${suffix}`] = round(median(cpu[hop.kind]), 3);
    }
  }
  if (versusPipe.length) {
    log(`media proxy ÷ bare pipe per round: ${list(versusPipe)}`);
    figures[`proxy_vs_bare_pipe${suffix}`] = round(median(versusPipe), 3);
  }
  return figures;
}

const SECTIONS = { proxy: proxySection, first_frame: firstFrameSection };
/** Sections that need the built player (the browser opens /play). */
const NEED_CLIENT = new Set(['first_frame']);

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'patchroom-bench-media-'));
  const filesDir = join(work, 'files');
  const dataDir = join(work, 'data');
  mkdirSync(filesDir);
  const env = {
    DATA_DIR: dataDir,
    MEDIA_ALLOWED_HOSTS: '127.0.0.1,localhost',
    MEDIA_ALLOWED_PORTS: '*',
    MEDIA_ALLOW_LOOPBACK: '1',
  };
  const dist = process.env.PATCHROOM_DIST ?? join(root, 'dist');
  const built = existsSync(join(dist, 'client', 'play.html'));
  if (!built) {
    // Only the API is measured here: a stub page is enough for the server to start.
    const client = join(work, 'client');
    mkdirSync(join(client, 'sandbox'), { recursive: true });
    writeFileSync(join(client, 'play.html'), '<!doctype html><title>player</title>');
    writeFileSync(join(client, 'sandbox', 'frame.html'), '<!doctype html><title>frame</title>');
    env.CLIENT_DIR = client;
  }
  const upstream = await startChild(['--serve', filesDir]);
  const pipe = await startChild(['--pipe', upstream.origin]);
  const server = await startBuiltServer(env);
  const serverPlain = await startBuiltServer({ ...env, DATA_DIR: `${dataDir}-plain` }, { plain: true });
  const wanted = (process.env.BENCH_MEDIA_SECTIONS ?? Object.keys(SECTIONS).join(',')).split(',').map((s) => s.trim());
  const figures = {};
  try {
    for (const name of wanted) {
      if (!SECTIONS[name]) throw new Error(`no bench section "${name}"; sections: ${Object.keys(SECTIONS).join(', ')}`);
      if (NEED_CLIENT.has(name) && !built) {
        log(`section ${name} skipped: no built player (run npm run build)`);
        continue;
      }
      Object.assign(figures, await SECTIONS[name]({ server, serverPlain, upstream, pipe, filesDir, work, env }));
    }
  } finally {
    await server.stop();
    await serverPlain.stop();
    upstream.stop();
    pipe.stop();
    rmSync(work, { recursive: true, force: true });
  }
  log(JSON.stringify(figures));
}

// Run as a script (not when another bench imports `download` or a section from here).
if (process.argv[1] === import.meta.filename && !['--serve', '--pipe'].includes(process.argv[2])) await main();
