export interface WatchdogOptions {
  /** A renderer silent for longer than this is hung. */
  timeoutMs: number;
  checkEveryMs?: number;
  now?: () => number;
  every?: (fn: () => void, ms: number) => () => void;
  /** While true (a hidden tab), silence is expected and not a hang. */
  paused?: () => boolean;
  onHang: (silentForMs: number) => void;
}

/**
 * Notices a renderer that stopped answering. The renderer beats every 100 ms from its own thread;
 * a gap over `timeoutMs` means its thread is stuck in user code. If our own checks were delayed
 * (this page was busy, or the tab was hidden) the gap says nothing about the renderer and is not
 * counted.
 */
export function createWatchdog(options: WatchdogOptions) {
  const now = options.now ?? (() => performance.now());
  const checkEvery = options.checkEveryMs ?? 100;
  const every =
    options.every ??
    ((fn, ms) => {
      const id = setInterval(fn, ms);
      return () => clearInterval(id);
    });
  let lastBeat = 0;
  let lastCheck = 0;
  let graceUntil = 0;
  let cancel: (() => void) | undefined;

  const check = () => {
    const t = now();
    const delayed = t - lastCheck > checkEvery * 4;
    lastCheck = t;
    if (delayed || options.paused?.() || t < graceUntil) {
      lastBeat = t;
      return;
    }
    if (t - lastBeat > options.timeoutMs) {
      stop();
      options.onHang(t - lastBeat);
    }
  };

  function stop() {
    cancel?.();
    cancel = undefined;
  }

  return {
    start() {
      stop();
      lastBeat = lastCheck = now();
      cancel = every(check, checkEvery);
    },
    stop,
    beat() {
      lastBeat = now();
      graceUntil = 0;
    },
    /** The renderer announced blocking work (shader compiles): silence is expected for up to `ms`. */
    grace(ms: number) {
      graceUntil = now() + ms;
    },
    running: () => cancel !== undefined,
  };
}
