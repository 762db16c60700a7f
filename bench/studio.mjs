// Studio benchmark: prints its figures, then one line of JSON.
//
//   load_ms               navigation → the node editor is up and takes input (patch on screen),
//                         median of cold loads (target ≤ 1500)
//   frame_ms_300_vs_empty the editor's frame time while panning with a 300-node patch, divided by
//                         the same with an empty patch, measured in the same run (target ≤ 1.5)
//
// Needs `npm run build` and Debian's chromium.
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { startBuiltServer } from './built-server.mjs';
import { log, quantile, round } from './stats.mjs';

const root = join(import.meta.dirname, '..');
const LOADS = Number(process.env.BENCH_LOADS ?? 5);
const PAN_FRAMES = 90;
const VIEWPORT = { width: 1280, height: 720 };
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * A 300-node patch with no output node: the preview plays nothing, so what is measured is the
 * editor itself, not the renderer competing for the CPU.
 */
function bigPatch(count) {
  const types = ['osc', 'noise', 'voronoi', 'kaleid', 'rotate', 'blend', 'modulate', 'color', 'lfo', 'scale'];
  const nodes = [];
  const edges = [];
  for (let i = 0; i < count; i++) {
    const type = types[i % types.length];
    nodes.push({ id: `n${i}`, type: `hydra-core/${type}`, position: { x: (i % 20) * 260, y: Math.floor(i / 20) * 300 } });
    const previous = nodes[i - 1];
    if (i % 10 !== 0 && previous && !['lfo'].includes(previous.type.split('/')[1]) && !['osc', 'noise', 'voronoi', 'lfo'].includes(type)) {
      edges.push({ from: { node: previous.id, port: 'out' }, to: { node: `n${i}`, port: 'in' } });
    }
  }
  return { version: 1, name: 'bench 300', nodes, edges };
}

async function openWith(browser, url, patch) {
  const context = await browser.newContext({ viewport: VIEWPORT });
  if (patch) {
    const saved = JSON.stringify({ format: 'patchroom/studio', version: 1, mode: 'patch', patch, code: '', savedAt: 0 });
    await context.addInitScript((value) => localStorage.setItem('patchroom:studio:bench', value), saved);
  }
  const page = await context.newPage();
  await page.goto(`${url}/studio/bench`);
  return { context, page };
}

/** Navigation → the editor has drawn the patch's nodes and answers a click (the palette opens). */
async function loadTime(browser, url) {
  const { context, page } = await openWith(browser, url, bigPatch(12));
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=node]').length >= 12, null, { polling: 10, timeout: 30_000 });
  const interactive = await page.evaluate(() => performance.now());
  await page.getByTestId('add-node').click();
  await page.getByTestId('palette').waitFor();
  const monaco = await page.getByTestId('code-editor').and(page.locator('[data-state=ready]')).waitFor({ timeout: 30_000 }).then(() => page.evaluate(() => performance.now()));
  await context.close();
  return { interactive, monaco };
}

/** Pans the editor with the mouse and records the page's frame intervals meanwhile. */
async function panFrameTime(browser, url, patch) {
  const { context, page } = await openWith(browser, url, patch);
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=node]').length >= n, patch.nodes.length, { timeout: 60_000 });
  await page.getByTestId('code-editor').and(page.locator('[data-state=ready]')).waitFor({ timeout: 60_000 });
  const box = await page.getByTestId('editor').boundingBox();
  await page.evaluate(() => {
    window.__frames = [];
    let last = performance.now();
    const tick = (t) => {
      window.__frames.push(t - last);
      last = t;
      if (window.__frames.length < 2000) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  // Grab the background (not a node), so the drag pans the editor.
  const start = await page.evaluate((b) => {
    for (let gy = 0.5; gy < 12; gy++) {
      for (let gx = 0.5; gx < 12; gx++) {
        const x = b.x + (gx / 12) * b.width;
        const y = b.y + (gy / 12) * b.height;
        if (!document.elementFromPoint(x, y)?.closest('[data-testid=node], .pr-empty-state > *')) return { x, y };
      }
    }
    return { x: b.x + 4, y: b.y + 4 };
  }, box);
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.evaluate(() => (window.__frames = []));
  for (let i = 0; i < PAN_FRAMES; i++) {
    await page.mouse.move(start.x + Math.sin(i / 8) * 200, start.y + Math.cos(i / 8) * 120);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
  }
  await page.mouse.up();
  const frames = await page.evaluate(() => window.__frames.slice(1));
  await context.close();
  return { mean: frames.reduce((a, b) => a + b, 0) / frames.length, p95: quantile(frames, 0.95), count: frames.length };
}

const patchroom = await startBuiltServer({ DATA_DIR: join(root, 'data', 'bench-studio') });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
try {
  const loads = [];
  for (let i = 0; i < LOADS; i++) loads.push(await loadTime(browser, patchroom.url));
  const loadMs = quantile(loads.map((l) => l.interactive), 0.5);
  log(`studio load → editor interactive: p50 ${round(loadMs, 0)} ms; code editor ready p50 ${round(quantile(loads.map((l) => l.monaco), 0.5), 0)} ms (${LOADS} cold loads)`);

  const empty = await panFrameTime(browser, patchroom.url, { version: 1, nodes: [], edges: [] });
  const big = await panFrameTime(browser, patchroom.url, bigPatch(300));
  log(`editor frame while panning: empty ${round(empty.mean)} ms (p95 ${round(empty.p95)}), 300 nodes ${round(big.mean)} ms (p95 ${round(big.p95)}), ${big.count} frames`);
  log(JSON.stringify({ load_ms: round(loadMs, 0), frame_ms_300_vs_empty: round(big.mean / empty.mean), frame_ms_empty: round(empty.mean), frame_ms_300: round(big.mean) }));
} finally {
  await browser.close();
  patchroom.stop();
}
