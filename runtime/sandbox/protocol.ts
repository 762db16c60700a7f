import type { ProgramError } from '../compiler/program';

/**
 * Messages between the host page, the sandboxed iframe and the renderer worker. The iframe relays
 * host messages to the worker and worker messages to the host unchanged; it adds only what it
 * alone knows (its own lifecycle). Every message is plain, structured-cloneable data.
 */

/** Frame statistics read back from the GPU right after a draw, for "is anything on screen" checks. */
export interface FrameStats {
  width: number;
  height: number;
  /** Mean brightness 0–255 and its standard deviation over a coarse grid of samples. */
  mean: number;
  stddev: number;
  /** Distinct colours among the samples: 1 means a flat (blank) frame. */
  distinct: number;
  /** A short fingerprint of the sampled pixels, to tell two frames apart. */
  signature: string;
  /** Live GPU textures, and things the running program holds (timers, listeners, bitmaps): for leak checks. */
  textures?: number;
  held?: number;
  /** Which renderer drew it: 1 for the first, +1 for each restart after a hang. */
  generation?: number;
  /** Video frames the renderer has put on textures since it started. */
  videoFrames?: number;
  /** Live `<video>` elements in the iframe (added by the iframe as it relays the answer). */
  videos?: number;
}

/**
 * What the renderer holds, carried on every heartbeat: leak checks that need no GPU read-back
 * (in Firefox a frame probe can stall the page for seconds; counting costs nothing).
 */
export interface Resources {
  textures: number;
  held: number;
  videoFrames: number;
  /** Added by the iframe as it relays the beat. */
  videos?: number;
}

export type ToSandbox =
  /**
   * `code` is the program's code after `instrument` (syntax checked, loops guarded). `clear` empties
   * the outputs first: a new preset starts clean, a live edit of the same patch keeps its feedback.
   */
  | { t: 'apply'; id: number; code: string; async: boolean; mode: 'replace' | 'amend'; clear: boolean }
  /** Host → iframe only: "are you there?" (the iframe may have loaded before the host listened). */
  | { t: 'hello' }
  | { t: 'probe'; id: number }
  | { t: 'pointer'; x: number; y: number; buttons: number }
  | { t: 'resize'; width: number; height: number }
  /** Host → iframe only: kill the renderer and start a fresh one (after a hang). */
  | { t: 'restart'; reason: string };

/** iframe → worker only: the worker's canvas and identity. */
export interface InitRenderer {
  t: 'init';
  canvas: OffscreenCanvas;
  width: number;
  height: number;
  generation: number;
  /** Added in the worker by the bootstrap: the WebGL context it already created on `canvas`. */
  gl?: WebGLRenderingContext | null;
}

export type FromSandbox =
  /** iframe: its script runs and can take messages. */
  | { t: 'frame-ready' }
  /** worker: hydra is initialised on a fresh canvas. */
  | { t: 'renderer-ready'; generation: number }
  | { t: 'applied'; id: number; ok: true; ms: number }
  | { t: 'applied'; id: number; ok: false; error: ProgramError; ms: number }
  /** worker: the first frame of program `id` was drawn, at `at` (ms since the epoch). */
  | { t: 'first-frame'; id: number; at: number }
  /** worker, every 100 ms while its thread is free: the watchdog's heartbeat. */
  | { t: 'beat'; frames: number; program: number; generation: number; resources?: Resources }
  /** worker: the running program failed after it was applied (a value function threw…), reported once. */
  | { t: 'runtime-error'; id: number; error: ProgramError }
  | { t: 'probe'; id: number; stats: FrameStats | null }
  /**
   * worker: about to block on the GPU (compiling shaders, first draw) for up to `ms`: not a hang.
   * Sent after user code was evaluated, so a hang in user code is still caught on time.
   */
  | { t: 'busy'; ms: number }
  /** worker: the GPU dropped the WebGL context; the host starts a new renderer. */
  | { t: 'context-lost' }
  /** worker or iframe: the renderer cannot run at all (no WebGL…). */
  | { t: 'fatal'; message: string }
  /** iframe: what happened to a video source (telemetry and the node views); see video-events.ts. */
  | VideoNotice;

/** The video lifecycle as the iframe reports it; `video_closed` is for views only, not telemetry. */
export type VideoEventName = 'video_init_start' | 'video_init_bound' | 'video_init_frame_ready' | 'video_init_error' | 'video_stall' | 'video_closed';

export interface VideoNotice {
  t: 'video';
  name: VideoEventName;
  /** The correlation id the proxy also got (`&cid=`): ties the proxy's record to this video. */
  cid: string;
  /** The program whose code called initVideo. */
  program: number;
  /** s0–s3 */
  source: string;
  /** As the program gave it (for the node views; telemetry carries only its hash). */
  url: string;
  fields: Record<string, string | number | boolean>;
}

/** worker → iframe: video sources live in the iframe (workers have no `<video>`), frames come back as bitmaps. */
export type VideoRequest =
  | { t: 'video-open'; vid: number; url: string; loop: boolean; source: string; program: number }
  | { t: 'video-close'; vid: number }
  /** The worker used the last frame of `vid`: the iframe may send the next (one in flight at most). */
  | { t: 'video-ack'; vid: number };

/** iframe → worker */
export type VideoReply =
  | { t: 'video-frame'; vid: number; bitmap: ImageBitmap }
  /** Given up on `vid` (after any retries): `message` is for the performer. */
  | { t: 'video-failed'; vid: number; message: string };

export const HEARTBEAT_MS = 100;

/** Grace the watchdog gives a renderer compiling shaders (software GL on a busy machine is slow). */
export const GPU_GRACE_MS = 4000;

/** The parameter name user code sees its loop guard under (not a global); `instrument` inserts calls to it. */
export const LOOP_GUARD = '__patchroomLoop';
