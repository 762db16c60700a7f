// Media benchmark: prints its figures, then one line of JSON.
//
//   proxy_vs_direct   throughput of one large file (BENCH_MEDIA_MB, default 64 MB) downloaded through
//                     the media proxy ÷ the same file downloaded straight from the static file server
//                     the proxy reads from, in the same run (median of alternating rounds; target ≥ 0.9)
//
//   bare_pipe_vs_direct  the same for a bare Node pipe (request upstream, pipe the body, nothing
//                     else) in a process of its own: the cost of one more hop on this machine, for scale
//   proxy_cpu_ms_per_mb, bare_pipe_cpu_ms_per_mb  CPU time (user + system, from /proc) the proxy
//                     process, and the bare pipe's, spent per MB passed on (median over rounds):
//                     what each hop costs, whatever share of the cores the scheduler gave it
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

const root = join(import.meta.dirname, '..');
const MB = Number(process.env.BENCH_MEDIA_MB ?? 64);
const ROUNDS = Number(process.env.BENCH_MEDIA_ROUNDS ?? 9);
const PINNED = process.env.BENCH_MEDIA_PINNED !== '0';
const log = (line) => process.stdout.write(`${line}\n`);
const round = (x, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

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
export async function proxySection(ctx) {
  const name = `bench-${MB}mb.bin`;
  const file = join(ctx.filesDir, name);
  // Incompressible bytes, written in pieces (never the whole file in memory).
  const fd = openSync(file, 'w');
  for (let i = 0; i < MB; i++) writeSync(fd, randomBytes(1024 * 1024));
  closeSync(fd);
  const size = statSync(file).size;
  const direct = `${ctx.upstream.origin}/${name}`;
  const proxied = `${ctx.server.url}/api/media-proxy?url=${encodeURIComponent(direct)}&cid=bench-proxy-throughput`;
  const piped = `${ctx.pipe.origin}/${name}`;
  const urls = { direct, proxy: proxied, pipe: piped };
  // Warm every path (page cache, JIT) before measuring.
  for (const url of Object.values(urls)) await download(url);
  const shared = await rounds(ctx, urls, size);
  report('', shared);
  const figures = {
    proxy_vs_direct: round(median(shared.ratios), 3),
    bare_pipe_vs_direct: round(median(shared.pipeRatios), 3),
    ...cpuFigures(shared, ''),
  };

  // The same with the hop on a core of its own (proxy, or bare pipe, on CPU 1; the client, this
  // process, and the upstream on CPU 0), as in production where the proxy does not share its CPU
  // with either end. An extra figure: proxy_vs_direct above stays the all-shared measurement.
  if (PINNED && canPin()) {
    const ends = [process.pid, ctx.upstream.pid];
    const hops = [ctx.server.pid, ctx.pipe.pid];
    try {
      pin(ends, '0');
      pin(hops, '1');
      const pinned = await rounds(ctx, urls, size);
      report(' (hop on its own core)', pinned);
      Object.assign(figures, {
        proxy_vs_direct_own_core: round(median(pinned.ratios), 3),
        bare_pipe_vs_direct_own_core: round(median(pinned.pipeRatios), 3),
        ...cpuFigures(pinned, '_own_core'),
      });
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
 */
async function rounds(ctx, urls, size) {
  const rates = { direct: [], proxy: [], pipe: [] };
  // CPU ms per MB of the process in the middle (the proxy, the pipe) during its own downloads.
  const middle = { proxy: ctx.server.pid, pipe: ctx.pipe.pid };
  const cpu = { proxy: [], pipe: [] };
  const ratios = [];
  const pipeRatios = [];
  for (let i = 0; i < ROUNDS; i++) {
    const round_ = {};
    const order = Object.entries(urls);
    for (const [kind, url] of i % 2 ? order.reverse() : order) {
      const before = middle[kind] && cpuMs(middle[kind]);
      const res = await download(url);
      const after = middle[kind] && cpuMs(middle[kind]);
      if (res.status !== 200 || res.bytes !== size) throw new Error(`${kind} download: status ${res.status}, ${res.bytes} of ${size} bytes`);
      round_[kind] = res.bytes / 1e6 / (res.ms / 1000);
      rates[kind].push(round_[kind]);
      if (before !== undefined && after !== undefined) cpu[kind].push((after - before) / (res.bytes / 1e6));
    }
    ratios.push(round_.proxy / round_.direct);
    pipeRatios.push(round_.pipe / round_.direct);
  }
  return { size, rates, cpu, ratios, pipeRatios };
}

function report(label, { size, rates, cpu, ratios, pipeRatios }) {
  const list = (values) => values.map((r) => round(r, 2)).join(', ');
  log(`file: ${round(size / 1e6, 1)} MB, ${ROUNDS} rounds${label}`);
  log(`direct static serving: median ${round(median(rates.direct), 0)} MB/s (${rates.direct.map((r) => round(r, 0)).join(', ')})`);
  log(`through the media proxy: median ${round(median(rates.proxy), 0)} MB/s (${rates.proxy.map((r) => round(r, 0)).join(', ')})`);
  log(`bare Node pipe (no checks): median ${round(median(rates.pipe), 0)} MB/s (${rates.pipe.map((r) => round(r, 0)).join(', ')})`);
  log(`proxy ÷ direct per round: ${list(ratios)}`);
  log(`bare pipe ÷ direct per round: ${list(pipeRatios)}`);
  if (cpu.proxy.length && cpu.pipe.length) {
    log(`CPU ms per MB, proxy process: ${list(cpu.proxy)}`);
    log(`CPU ms per MB, bare pipe process: ${list(cpu.pipe)}`);
  } else log('CPU per MB: not measured (no /proc here)');
}

function cpuFigures({ cpu }, suffix) {
  if (!cpu.proxy.length || !cpu.pipe.length) return {};
  return { [`proxy_cpu_ms_per_mb${suffix}`]: round(median(cpu.proxy), 3), [`bare_pipe_cpu_ms_per_mb${suffix}`]: round(median(cpu.pipe), 3) };
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
  const wanted = (process.env.BENCH_MEDIA_SECTIONS ?? Object.keys(SECTIONS).join(',')).split(',').map((s) => s.trim());
  const figures = {};
  try {
    for (const name of wanted) {
      if (!SECTIONS[name]) throw new Error(`no bench section "${name}"; sections: ${Object.keys(SECTIONS).join(', ')}`);
      if (NEED_CLIENT.has(name) && !built) {
        log(`section ${name} skipped: no built player (run npm run build)`);
        continue;
      }
      Object.assign(figures, await SECTIONS[name]({ server, upstream, pipe, filesDir, work, env }));
    }
  } finally {
    await server.stop();
    upstream.stop();
    pipe.stop();
    rmSync(work, { recursive: true, force: true });
  }
  log(JSON.stringify(figures));
}

// Run as a script (not when another bench imports `download` or a section from here).
if (process.argv[1] === import.meta.filename && !['--serve', '--pipe'].includes(process.argv[2])) await main();
