/**
 * The renderer worker: hydra-synth on an OffscreenCanvas, started from a blob: URL by the
 * sandboxed iframe, so user code runs on its own thread (a hang cannot freeze the page) in an
 * opaque origin (it cannot act with the app's rights). Everything here is captured before any
 * user code runs; user code shares this global scope, so nothing of ours is reachable from it.
 */
import './worker-shim';
import { frameStats } from './frame-stats';
import { createHydraRuntime, type HydraRuntime } from './hydra-runtime';
import { createProgramRunner } from './program-runner';
import { GPU_GRACE_MS, HEARTBEAT_MS, type FromSandbox, type InitRenderer, type ToSandbox, type VideoReply, type VideoRequest } from './protocol';
import { installScopedTimers } from './scoped-timers';
import { createVideoBindings } from './scoped-video';

const post = (globalThis.postMessage as (message: FromSandbox | VideoRequest) => void).bind(globalThis);
const listen = globalThis.addEventListener.bind(globalThis);
// User code shares this global scope: take postMessage away from it (here and on the prototype
// chain), so it cannot forge heartbeats, results or "busy" notices to the host.
for (let target: object | null = globalThis; target; target = Object.getPrototypeOf(target)) {
  if (Object.prototype.hasOwnProperty.call(target, 'postMessage')) delete (target as { postMessage?: unknown }).postMessage;
}

// Messages that arrived while this code was loading, held by the frame's bootstrap (see frame.ts).
const early = (globalThis as { __patchroomEarly?: Array<InitRenderer | ToSandbox> }).__patchroomEarly ?? [];
delete (globalThis as { __patchroomEarly?: unknown }).__patchroomEarly;
let handle: ((message: ToSandbox) => void) | undefined;
const held: ToSandbox[] = [];
const videos = createVideoBindings(post);

const receive = (message: InitRenderer | ToSandbox | VideoReply | undefined) => {
  if (!message || typeof message.t !== 'string') return;
  if (message.t === 'video-frame' || message.t === 'video-failed') videos.receive(message);
  else if (message.t === 'init') {
    if (!handle) start(message);
  } else if (handle) handle(message);
  else held.push(message);
};
for (const message of early) receive(message);
listen('message', (event: MessageEvent<InitRenderer | ToSandbox | VideoReply>) => {
  // User code can dispatch synthetic message events on this scope; only the browser's count.
  if (event.isTrusted) receive(event.data);
});

function start(init: InitRenderer): void {
  let runtime: HydraRuntime;
  let runner: ReturnType<typeof createProgramRunner> | undefined;
  try {
    runtime = createHydraRuntime({
      canvas: init.canvas,
      gl: init.gl ?? null,
      width: init.width,
      height: init.height,
      scope: () => runner?.scope(),
      videos,
      notice: (message) => {
        const id = runner?.scope()?.id ?? runner?.runningId();
        if (id !== undefined) post({ t: 'runtime-error', id, error: { kind: 'invalid', message } });
      },
    });
  } catch (error) {
    post({ t: 'fatal', message: `The renderer could not start WebGL: ${(error as Error).message}` });
    return;
  }
  init.canvas.addEventListener('webglcontextlost', () => post({ t: 'context-lost' }));
  const timers = installScopedTimers(
    globalThis as never,
    () => runner?.scope(),
    (owner, fn, args) => runner?.runCallback(owner, fn, args),
  );
  const run = createProgramRunner(
    runtime,
    timers,
    (id, error) => post({ t: 'runtime-error', id, error }),
    () => post({ t: 'busy', ms: GPU_GRACE_MS }),
  );
  runner = run;

  let frames = 0;
  let last = 0;
  const probes: number[] = [];

  const frame = (now: number) => {
    timers.requestAnimationFrame(frame);
    // Nothing to show before the first program: drawing hydra's empty outputs would only compile
    // and draw what the first apply replaces, and could make that apply wait a whole frame.
    if (frames === 0 && run.runningId() === undefined) return;
    const dt = last ? Math.min(now - last, 250) : 1000 / 60;
    last = now;
    run.beginFrame();
    try {
      runtime.renderFrame(dt);
    } catch (error) {
      run.scope()?.fail(error);
    }
    frames++;
    videos.flushAcks();
    if (probes.length) {
      const ids = probes.splice(0);
      const stats = readFrame();
      for (const id of ids) post({ t: 'probe', id, stats });
    }
  };

  /** Reads the frame just drawn (the drawing buffer is not preserved past this task). */
  const readFrame = () => {
    try {
      const { gl } = runtime;
      const width = gl.drawingBufferWidth;
      const height = gl.drawingBufferHeight;
      const pixels = new Uint8Array(width * height * 4);
      gl.readPixels(0, 0, width, height, gl.RGBA, gl.UNSIGNED_BYTE, pixels);
      return { ...frameStats(pixels, width, height), textures: runtime.hydra.regl.stats.textureCount as number, held: run.held(), generation: init.generation, videoFrames: videos.uploaded() };
    } catch {
      return null;
    }
  };

  // Applies run one at a time, in order: a program with top-level await finishes before the next.
  let queue: Promise<void> = Promise.resolve();
  handle = (msg: ToSandbox) => {
    switch (msg.t) {
      case 'apply':
        queue = queue.then(async () => {
          const started = performance.now();
          const outcome = await run.apply(msg.id, msg, msg.mode, msg.clear);
          const ms = Math.round((performance.now() - started) * 10) / 10;
          post(outcome.ok ? { t: 'applied', id: msg.id, ok: true, ms } : { t: 'applied', id: msg.id, ok: false, error: outcome.error, ms });
          // A successful apply drew the program's first frame; it shows when this task ends.
          if (outcome.ok) post({ t: 'first-frame', id: msg.id, at: performance.timeOrigin + performance.now() });
        });
        break;
      case 'probe':
        probes.push(msg.id);
        break;
      case 'pointer':
        runtime.pointer(msg.x, msg.y, msg.buttons);
        break;
      case 'resize':
        run.resizeDefault(msg.width, msg.height);
        break;
    }
  };

  timers.setInterval(() => {
    const resources = { textures: runtime.hydra.regl.stats.textureCount as number, held: run.held(), videoFrames: videos.uploaded() };
    post({ t: 'beat', frames, program: run.runningId() ?? 0, generation: init.generation, resources });
  }, HEARTBEAT_MS);
  timers.requestAnimationFrame(frame);
  post({ t: 'renderer-ready', generation: init.generation });
  for (const message of held.splice(0)) handle(message);
}
