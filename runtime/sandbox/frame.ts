/**
 * The sandboxed iframe's script (origin "null": no cookies, no storage, no access to the page).
 * It owns the visible canvas and the renderer worker, relays messages both ways, and restarts the
 * worker when the host asks (after a hang). It runs no user code itself.
 */
import { createFrameVideos } from './frame-video';
import type { FromSandbox, InitRenderer, ToSandbox, VideoRequest } from './protocol';

// This script is inlined into frame.html (one request fewer on the way to the first frame).
/** Where the renderer's code is served: named in its stack traces (sourceURL) either way. */
const rendererUrl = new URL('renderer.js', location.href).href;
/** Caps the drawing buffer: software GL slows down sharply with size. */
const MAX_EDGE = 1920;

let worker: Worker | undefined;
let canvas: HTMLCanvasElement | undefined;
let generation = 0;
let retiring: HTMLCanvasElement | undefined;
/** The last renderer-ready, repeated to a host that asks (it may have started listening late). */
let ready: FromSandbox | undefined;

const toHost = (message: FromSandbox) => parent.postMessage(message, '*');

// Video sources of the renderer's programs (the worker has no DOM): see frame-video.ts.
const videos = createFrameVideos({
  toWorker: (message, transfer = []) => worker?.postMessage(message, transfer),
  toHost,
  pageUrl: location.href,
  parent: document.body,
});

// The renderer's code is posted into its worker, not imported. The build puts it into frame.html
// (a data block after this script, read once the document is parsed), so it arrives with this
// document instead of one round trip later; without it (the dev server's watch builds) it
// downloads while the worker thread boots.
const rendererSource = new Promise<string>((resolve, reject) => {
  const take = () => {
    const block = document.getElementById('renderer-source');
    const inline = block?.textContent ?? '';
    block?.remove();
    if (inline) {
      resolve(inline);
      return;
    }
    fetch(rendererUrl, { credentials: 'omit' })
      .then((response) => {
        if (!response.ok) throw new Error(`renderer.js answered HTTP ${response.status}`);
        return response.text();
      })
      .then(resolve, reject);
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', take, { once: true });
  else take();
});

/**
 * The worker's first code, before the renderer's: holds incoming messages for the renderer and
 * creates the WebGL context as soon as the canvas arrives, while the renderer's code is still on
 * its way. The context rides along on the init message (`gl`) for the renderer to hand to hydra.
 */
function workerBootstrap() {
  const early: unknown[] = [];
  const hold = (event: MessageEvent) => {
    const data = event.data as { t?: string; code?: string; url?: string; canvas?: OffscreenCanvas; gl?: unknown };
    if (data?.t === 'renderer-source') {
      removeEventListener('message', hold);
      (globalThis as { __patchroomEarly?: unknown[] }).__patchroomEarly = early;
      (0, eval)(`${data.code}\n//# sourceURL=${data.url}`);
      return;
    }
    early.push(data);
    if (data?.t === 'init') {
      try {
        // regl's attributes (hydra passes none; regl adds premultipliedAlpha), without the default
        // multisampled and depth buffers: hydra only draws full-screen triangles with no depth, so
        // the pixels are the same, and software GL creates the context several times faster.
        data.gl = data.canvas?.getContext('webgl', { premultipliedAlpha: true, antialias: false, depth: false });
      } catch {
        // the renderer reports a missing context itself
      }
    }
  };
  addEventListener('message', hold);
}
const bootstrapSource = `(${workerBootstrap.toString()})()`;

function bufferSize() {
  const dpr = Math.min(window.devicePixelRatio || 1, 2);
  let width = Math.max(1, Math.round(innerWidth * dpr));
  let height = Math.max(1, Math.round(innerHeight * dpr));
  const scale = Math.min(1, MAX_EDGE / Math.max(width, height));
  width = Math.max(1, Math.round(width * scale));
  height = Math.max(1, Math.round(height * scale));
  return { width, height };
}

function startWorker(): void {
  generation++;
  ready = undefined;
  worker?.terminate();
  videos.closeAll();
  // The old canvas keeps showing the last picture until the new renderer draws its first frame.
  if (canvas) {
    retiring?.remove();
    retiring = canvas;
  }
  const next = document.createElement('canvas');
  next.style.visibility = retiring ? 'hidden' : 'visible';
  document.body.appendChild(next);
  canvas = next;
  if (typeof next.transferControlToOffscreen !== 'function') {
    toHost({ t: 'fatal', message: 'This browser cannot render off the main thread (no OffscreenCanvas).' });
    return;
  }
  const size = bufferSize();
  next.width = size.width;
  next.height = size.height;
  const offscreen = next.transferControlToOffscreen();
  // An opaque-origin document may start workers only from blob: URLs.
  const source = URL.createObjectURL(new Blob([bootstrapSource], { type: 'text/javascript' }));
  const current = new Worker(source);
  worker = current;
  current.onmessage = (event: MessageEvent<FromSandbox | VideoRequest>) => {
    if (current !== worker) return; // a message from a worker already replaced
    const message = event.data;
    if (message.t === 'video-open' || message.t === 'video-close' || message.t === 'video-ack') {
      videos.handle(message);
      return;
    }
    if (message.t === 'probe' && message.stats) message.stats.videos = videos.count();
    if (message.t === 'beat' && message.resources) message.resources.videos = videos.count();
    if (message.t === 'renderer-ready') {
      URL.revokeObjectURL(source);
      ready = message;
    }
    if (message.t === 'first-frame' && retiring) {
      retiring.remove();
      retiring = undefined;
      next.style.visibility = 'visible';
    }
    toHost(message);
  };
  current.onerror = (event) => {
    if (current !== worker) return;
    event.preventDefault();
    toHost({ t: 'fatal', message: `The renderer failed to load: ${event.message || 'script error'}` });
  };
  const init: InitRenderer = { t: 'init', canvas: offscreen, width: size.width, height: size.height, generation };
  current.postMessage(init, [offscreen]);
  rendererSource.then(
    (code) => current.postMessage({ t: 'renderer-source', code, url: rendererUrl }),
    (error: Error) => toHost({ t: 'fatal', message: `The renderer failed to load: ${error.message}` }),
  );
}

addEventListener('message', (event: MessageEvent<ToSandbox>) => {
  if (event.source !== parent || !event.data || typeof event.data.t !== 'string') return;
  if (event.data.t === 'restart') startWorker();
  else if (event.data.t === 'hello') {
    toHost({ t: 'frame-ready' });
    if (ready) toHost(ready);
  } else worker?.postMessage(event.data);
});

new ResizeObserver(() => {
  const size = bufferSize();
  worker?.postMessage({ t: 'resize', width: size.width, height: size.height } satisfies ToSandbox);
}).observe(document.documentElement);

startWorker();
toHost({ t: 'frame-ready' });
