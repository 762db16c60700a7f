// Video first-frame figures, a section of bench/media.mjs (or run on its own: node bench/video-first-frame.mjs).
//
//   first_frame_faststart_ms        s0.initVideo(url) of a faststart MP4 through the media proxy → its
//                                   first decoded frame handed to the renderer, p95 (target ≤ 1000)
//   first_frame_moov_end_cold_ms    the same for a moov-at-end MP4 the proxy has not seen: it downloads,
//                                   rewrites it moov-first and serves it from its cache (≤ 1000)
//   first_frame_moov_end_cached_ms  the same moov-at-end MP4 again, served from the proxy's cache (≤ 1000)
//
// Measured in Chromium in the real player (/play), from the video_init_frame_ready event's duration
// (the sandbox's clock: request for the video → first frame on its way to the texture). Each init is
// a new <video> with a new correlation id (so a new proxy URL: no browser cache). Needs `npm run build`.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { log } from './stats.mjs';

const root = join(import.meta.dirname, '..');
const FIXTURES = join(root, 'plugins', 'media-proxy', 'fixtures');
const INITS = Number(process.env.BENCH_VIDEO_INITS ?? 12);
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const BLANK = 'solid(0, 0, 0).out()';
const p95 = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)];
};

/** ctx: { server: { url }, upstream: { origin }, filesDir } as bench/media.mjs gives its sections. */
export async function firstFrameSection(ctx) {
  copyFileSync(join(FIXTURES, 'faststart.mp4'), join(ctx.filesDir, 'faststart.mp4'));
  copyFileSync(join(FIXTURES, 'moov-at-end.mp4'), join(ctx.filesDir, 'moov-at-end.mp4'));
  // A cold init needs a file the proxy has never cached: one copy per init.
  for (let i = 0; i < INITS; i++) copyFileSync(join(FIXTURES, 'moov-at-end.mp4'), join(ctx.filesDir, `moov-at-end-cold-${i}.mp4`));

  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 320, height: 180 } });
    await page.goto(`${ctx.server.url}/play`);
    await page.waitForFunction(() => /running|recovered|fallback/.test(document.querySelector('[data-testid=player]')?.dataset.playerState ?? ''), null, { timeout: 30_000 });

    const init = async (file) => {
      const url = `${ctx.upstream.origin}/${file}`;
      const before = await page.evaluate(() => window.patchroomPlayer.events().filter((e) => e.name === 'video_init_frame_ready').length);
      const started = Date.now();
      const result = await page.evaluate((code) => window.patchroomPlayer.applyCode(code, 'bench video'), `s0.initVideo(${JSON.stringify(url)})\nsrc(s0).out()`);
      if (!result.ok) throw new Error(`the video sketch did not apply: ${result.error?.message}`);
      const ready = await page
        .waitForFunction(
          (n) => {
            const events = window.patchroomPlayer.events();
            const failed = events.find((e) => e.name === 'video_init_error');
            if (failed) return { error: `${failed.error_class}: ${failed.error_message}` };
            const frames = events.filter((e) => e.name === 'video_init_frame_ready');
            return frames.length > n ? frames[frames.length - 1] : null;
          },
          before,
          { timeout: 30_000, polling: 10 },
        )
        .then((h) => h.jsonValue());
      if (ready.error) throw new Error(`${file}: ${ready.error}`);
      const pageMs = Date.now() - started;
      // Stop it (and free its texture) before the next init.
      await page.evaluate((code) => window.patchroomPlayer.applyCode(code, 'blank'), BLANK);
      await page.waitForFunction(() => window.patchroomPlayer.resources()?.videos === 0, null, { timeout: 10_000 });
      return { ms: ready.duration_ms, pageMs };
    };

    const runs = async (label, files) => {
      const results = [];
      for (const file of files) results.push(await init(file));
      const ms = results.map((r) => r.ms);
      log(`${label}: p95 ${p95(ms)} ms (sandbox clock: ${ms.join(', ')}); apply→event seen by the page p95 ${p95(results.map((r) => r.pageMs))} ms`);
      return p95(ms);
    };

    await init('faststart.mp4'); // warm-up: browser, proxy and decoder code paths
    const faststart = await runs('faststart', Array.from({ length: INITS }, () => 'faststart.mp4'));
    const cold = await runs('moov at end, cold proxy cache', Array.from({ length: INITS }, (_, i) => `moov-at-end-cold-${i}.mp4`));
    await init('moov-at-end.mp4'); // fills the cache
    const cached = await runs('moov at end, cached', Array.from({ length: INITS }, () => 'moov-at-end.mp4'));
    return { first_frame_faststart_ms: faststart, first_frame_moov_end_cold_ms: cold, first_frame_moov_end_cached_ms: cached };
  } finally {
    await browser.close();
  }
}

/** On its own: the built server (loopback allowed) and a plain Range-capable file server as upstream. */
async function main() {
  const { mkdtempSync, rmSync, mkdirSync, createReadStream, statSync } = await import('node:fs');
  const { createServer } = await import('node:http');
  const { tmpdir } = await import('node:os');
  const { startBuiltServer } = await import('./built-server.mjs');
  const work = mkdtempSync(join(tmpdir(), 'patchroom-bench-video-'));
  const filesDir = join(work, 'files');
  mkdirSync(filesDir);
  const files = createServer((req, res) => {
    const path = join(filesDir, decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/+|\.\./g, ''));
    let size;
    try {
      size = statSync(path).size;
    } catch {
      return res.writeHead(404).end();
    }
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    const end = range?.[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
    const headers = { 'Content-Type': 'video/mp4', 'Accept-Ranges': 'bytes', 'Content-Length': end - start + 1 };
    res.writeHead(range ? 206 : 200, range ? { ...headers, 'Content-Range': `bytes ${start}-${end}/${size}` } : headers);
    createReadStream(path, { start, end }).pipe(res);
  });
  await new Promise((resolve) => files.listen(0, '127.0.0.1', resolve));
  const server = await startBuiltServer({ DATA_DIR: join(work, 'data'), MEDIA_ALLOWED_HOSTS: '127.0.0.1', MEDIA_ALLOWED_PORTS: '*', MEDIA_ALLOW_LOOPBACK: '1' });
  try {
    const figures = await firstFrameSection({ server, upstream: { origin: `http://127.0.0.1:${files.address().port}` }, filesDir });
    log(JSON.stringify(figures));
  } finally {
    await server.stop();
    files.close();
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === import.meta.filename) await main();
