// Player benchmark: prints its figures, then one line of JSON.
//
//   ttff_ratio         first frame after navigation, /play divided by a bare hydra-synth page
//                      rendering the same code, medians over alternating cold loads (target ≤ 1.3)
//   ttff_renderer_alone_ratio
//                      the same for the sandbox document opened as the page itself (no iframe, no
//                      player script): what running the code isolated costs by itself (an opaque
//                      origin and a worker), the floor under any player built around it
//   switch_frames_p50  preset switch request → first frame of the new preset, in display frames (≤ 3)
//   heap_growth_mb     JS heap of page + sandbox iframe + renderer worker after 100 preset switches
//                      minus before, both after a forced GC (≤ 10)
//   compile_500_ms     compiling a 500-node patch to Hydra code, median (≤ 5)
//
// Needs `npm run build` and Debian's chromium.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { startBuiltServer } from './built-server.mjs';
import { createServer as createViteServer } from 'vite';
import { log, quantile, round } from './stats.mjs';

const root = join(import.meta.dirname, '..');
const CODE = 'osc(20, 0.1, 1.2).kaleid(4).color(0.9, 0.6, 1).modulate(noise(2), 0.1).out()';
const VIEWPORT = { width: 640, height: 360 };
const LOADS = Number(process.env.BENCH_LOADS ?? 15);
const SWITCHES = 100;
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The baseline: hydra-synth's own bundle on a plain page, the way the hydra editor runs it. */
async function startBareHydra() {
  const bundle = readFileSync(join(root, 'node_modules/hydra-synth/dist/hydra-synth.js'));
  const html = `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">
<style>html,body{margin:0;height:100%;overflow:hidden;background:#000}canvas{width:100%;height:100%;display:block}</style></head>
<body><canvas id="c"></canvas><script src="/hydra-synth.js"></script><script>
const canvas = document.getElementById('c');
canvas.width = innerWidth; canvas.height = innerHeight;
new Hydra({ canvas, detectAudio: false, enableStreamCapture: false, makeGlobal: true });
${CODE}
// hydra's loop ticks in the next animation frame; this callback runs right after that tick.
requestAnimationFrame(() => { window.firstFrameAt = performance.now(); });
</script></body></html>`;
  const server = createServer((req, res) => {
    if (req.url === '/hydra-synth.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-cache' });
      res.end(bundle);
    } else {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache' });
      res.end(html);
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/`, stop: () => server.close() };
}

async function timeToFirstFrame(browser, url, read, init) {
  const context = await browser.newContext({ viewport: VIEWPORT });
  if (init) await context.addInitScript(init.script, init.arg);
  const page = await context.newPage();
  await page.goto(url);
  const at = await page.waitForFunction(read, null, { timeout: 20_000, polling: 20 }).then((h) => h.jsonValue());
  await context.close();
  return at;
}

/**
 * Runs in the sandbox document opened as a page: it is its own host (its messages to `parent` come
 * back to itself), so it is handed the code the way the player hands it, and its first frame noted.
 */
function driveSandboxAlone(code) {
  let sent = false;
  addEventListener('message', (event) => {
    const message = event.data;
    if (!sent && message?.t === 'frame-ready') {
      sent = true;
      postMessage({ t: 'apply', id: 1, code, async: false, mode: 'replace', clear: true }, '*');
    }
    if (message?.t === 'first-frame' && window.firstFrameAt === undefined) window.firstFrameAt = message.at - performance.timeOrigin;
  });
}

async function measureTtff(browser, patchroom, bare) {
  const share = Buffer.from(CODE).toString('base64url');
  const playTimes = [];
  const bareTimes = [];
  const aloneTimes = [];
  for (let i = 0; i < LOADS; i++) {
    bareTimes.push(await timeToFirstFrame(browser, bare.url, () => window.firstFrameAt));
    playTimes.push(await timeToFirstFrame(browser, `${patchroom.url}/play?code=${share}`, () => window.patchroomPlayer?.firstFrames()[0]?.at));
    // CODE has no loops, so the player's loop guards would leave it as it is.
    aloneTimes.push(await timeToFirstFrame(browser, `${patchroom.url}/sandbox/frame.html`, () => window.firstFrameAt, { script: driveSandboxAlone, arg: CODE }));
  }
  return { playTimes, bareTimes, aloneTimes };
}

/** Attaches to any target (the renderer worker too) through the browser's DevTools session. */
async function heapUsage(browser) {
  const cdp = await browser.newBrowserCDPSession();
  let nextId = 1;
  const pending = new Map();
  cdp.on('Target.receivedMessageFromTarget', ({ message }) => {
    const reply = JSON.parse(message);
    pending.get(reply.id)?.(reply);
    pending.delete(reply.id);
  });
  const call = (sessionId, method) =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      void cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params: {} }) });
    });
  const { targetInfos } = await cdp.send('Target.getTargets');
  const targets = targetInfos.filter((t) => (t.type === 'page' && t.url.includes('/play')) || (t.type === 'iframe' && t.url.includes('/sandbox/')) || (t.type === 'worker' && t.url.startsWith('blob:')));
  let total = 0;
  for (const target of targets) {
    const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false });
    await call(sessionId, 'HeapProfiler.enable');
    await call(sessionId, 'HeapProfiler.collectGarbage');
    await call(sessionId, 'HeapProfiler.collectGarbage');
    const usage = await call(sessionId, 'Runtime.getHeapUsage');
    total += usage.result.usedSize;
    await cdp.send('Target.detachFromTarget', { sessionId });
  }
  await cdp.detach();
  return { bytes: total, targets: targets.length };
}

async function measureSwitching(browser, patchroom) {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  await page.goto(`${patchroom.url}/play`);
  await page.waitForFunction(() => window.patchroomPlayer?.state() === 'running');
  const presetCount = await page.evaluate(() => window.patchroomPlayer.presets().length);
  const frameMs = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const stamps = [];
        const tick = (t) => {
          stamps.push(t);
          if (stamps.length < 61) requestAnimationFrame(tick);
          else resolve(stamps.slice(1).map((s, i) => s - stamps[i]).sort((a, b) => a - b)[30]);
        };
        requestAnimationFrame(tick);
      }),
  );
  const switchTo = (index) =>
    page.evaluate(async (i) => {
      const before = performance.now();
      const result = await window.patchroomPlayer.select(i);
      if (!result.ok) throw new Error(`preset ${i} failed`);
      const deadline = performance.now() + 10_000;
      while (performance.now() < deadline) {
        const frame = window.patchroomPlayer.firstFrames().find((f) => f.at >= before);
        if (frame) return frame.at - before;
        await new Promise((r) => setTimeout(r, 2));
      }
      throw new Error('no first frame after a switch');
    }, index);

  for (let i = 0; i < 10; i++) await switchTo(i % presetCount); // warm every shader
  const before = await heapUsage(browser);
  const switchMs = [];
  for (let i = 0; i < SWITCHES; i++) switchMs.push(await switchTo((i + 1) % presetCount));
  const after = await heapUsage(browser);
  await context.close();
  return { frameMs, switchMs, presetCount, before, after };
}

/** A patch of `nodeCount` nodes: chains of source → effects → combine → out, with LFOs on number inputs. */
function generatePatch(nodeCount) {
  const sources = ['osc', 'noise', 'voronoi', 'shape', 'gradient'];
  const effects = { rotate: 'angle', kaleid: 'nSides', color: 'r', scale: 'amount', pixelate: 'pixelX', hue: 'hue', contrast: 'amount', repeat: 'repeatX' };
  const effectNames = Object.keys(effects);
  const combines = ['blend', 'modulate', 'add', 'mult', 'diff', 'modulateScale'];
  const nodes = [];
  const edges = [];
  const add = (type, params = {}) => {
    const id = `n${nodes.length}`;
    nodes.push({ id, type: `hydra-core/${type}`, params, position: { x: nodes.length * 10, y: 0 } });
    return id;
  };
  const link = (from, to, port, fromPort = 'out') => edges.push({ from: { node: from, port: fromPort }, to: { node: to, port } });
  for (let chain = 0; nodes.length + 9 <= nodeCount; chain++) {
    let head = add(sources[chain % sources.length]);
    const effect = effectNames[chain % effectNames.length];
    const modulated = add(effect);
    link(head, modulated, 'in');
    link(add('lfo', { rate: 0.1 + (chain % 5) / 10 }), modulated, effects[effect], 'value');
    head = modulated;
    const combine = add(combines[chain % combines.length], {});
    link(head, combine, 'in');
    link(add(sources[(chain + 1) % sources.length]), combine, 'texture');
    head = combine;
    for (const name of [effectNames[(chain + 3) % effectNames.length], effectNames[(chain + 5) % effectNames.length]]) {
      const next = add(name);
      link(head, next, 'in');
      head = next;
    }
    link(head, add('out', { output: `o${chain % 4}` }), 'in');
  }
  while (nodes.length < nodeCount) add('lfo');
  return { version: 1, name: 'bench', nodes, edges };
}

async function measureCompile() {
  const vite = await createViteServer({ root, configFile: false, server: { middlewareMode: true, hmr: false }, appType: 'custom', logLevel: 'silent' });
  try {
    const { compilePatch } = await vite.ssrLoadModule('/runtime/compiler/compile.ts');
    const { createRegistry } = await vite.ssrLoadModule('/runtime/plugin/registry.ts');
    const { hydraCore } = await vite.ssrLoadModule('/plugins/hydra-core/manifest.ts');
    const registry = createRegistry([hydraCore]);
    const patch = generatePatch(500);
    const first = compilePatch(patch, registry);
    if (!first.ok) throw new Error(`bench patch does not compile: ${first.issues.map((i) => i.message).join('; ')}`);
    for (let i = 0; i < 10; i++) compilePatch(patch, registry);
    const times = [];
    for (let i = 0; i < 40; i++) {
      const start = performance.now();
      compilePatch(patch, registry);
      times.push(performance.now() - start);
    }
    return { ms: quantile(times, 0.5), nodes: patch.nodes.length, edges: patch.edges.length, lines: first.code.split('\n').length };
  } finally {
    await vite.close();
  }
}

const patchroom = await startBuiltServer();
const bare = await startBareHydra();
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
try {
  const compile = await measureCompile();
  log(`compile: ${compile.nodes} nodes, ${compile.edges} edges → ${compile.lines} lines of Hydra in ${round(compile.ms, 3)} ms (median of 40)`);

  const { playTimes, bareTimes, aloneTimes } = await measureTtff(browser, patchroom, bare);
  const ttffPlay = quantile(playTimes, 0.5);
  const ttffBare = quantile(bareTimes, 0.5);
  const ttffAlone = quantile(aloneTimes, 0.5);
  log(`first frame, bare hydra-synth page: p50 ${round(ttffBare, 0)} ms, p95 ${round(quantile(bareTimes, 0.95), 0)} ms (${LOADS} cold loads)`);
  log(`first frame, /play:                 p50 ${round(ttffPlay, 0)} ms, p95 ${round(quantile(playTimes, 0.95), 0)} ms (${LOADS} cold loads)`);
  log(`first frame, sandbox doc as a page: p50 ${round(ttffAlone, 0)} ms, p95 ${round(quantile(aloneTimes, 0.95), 0)} ms (${LOADS} cold loads)`);

  const switching = await measureSwitching(browser, patchroom);
  const switchFrames = switching.switchMs.map((ms) => ms / switching.frameMs);
  log(`preset switch → first new frame: p50 ${round(quantile(switching.switchMs, 0.5), 1)} ms, p95 ${round(quantile(switching.switchMs, 0.95), 1)} ms; display frame ${round(switching.frameMs, 1)} ms (${SWITCHES} switches over ${switching.presetCount} presets)`);
  const growth = (switching.after.bytes - switching.before.bytes) / (1024 * 1024);
  log(`JS heap (page + sandbox + renderer, ${switching.before.targets} targets, after GC): ${round(switching.before.bytes / 1048576)} MB before, ${round(switching.after.bytes / 1048576)} MB after ${SWITCHES} switches`);

  log(
    JSON.stringify({
      ttff_ratio: round(ttffPlay / ttffBare),
      switch_frames_p50: round(quantile(switchFrames, 0.5)),
      heap_growth_mb: round(growth),
      compile_500_ms: round(compile.ms, 3),
      ttff_play_ms: round(ttffPlay, 0),
      ttff_bare_ms: round(ttffBare, 0),
      ttff_renderer_alone_ratio: round(ttffAlone / ttffBare),
      ttff_renderer_alone_ms: round(ttffAlone, 0),
    }),
  );
} finally {
  await browser.close();
  patchroom.stop();
  bare.stop();
}
