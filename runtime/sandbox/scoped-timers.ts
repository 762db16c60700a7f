import type { ProgramScope } from './program-scope';

type Callback = (...args: unknown[]) => unknown;

interface TimerHost {
  setTimeout: typeof setTimeout;
  clearTimeout: typeof clearTimeout;
  setInterval: typeof setInterval;
  clearInterval: typeof clearInterval;
  requestAnimationFrame?: (cb: FrameRequestCallback) => number;
  cancelAnimationFrame?: (id: number) => void;
  addEventListener: (type: string, listener: EventListenerOrEventListenerObject, options?: unknown) => void;
  removeEventListener: (type: string, listener: EventListenerOrEventListenerObject, options?: unknown) => void;
}

/** The untouched originals, for the renderer's own use. */
export interface OriginalTimers {
  setTimeout: typeof setTimeout;
  clearTimeout: typeof clearTimeout;
  setInterval: typeof setInterval;
  clearInterval: typeof clearInterval;
  requestAnimationFrame: (cb: FrameRequestCallback) => number;
  addEventListener: TimerHost['addEventListener'];
}

/**
 * Replaces the global timer, animation-frame and listener functions with versions that record what
 * each program set up in its scope, run callbacks under a fresh loop budget, and route their errors
 * to the scope. Returns the originals for the renderer itself. Installed once, before any user code.
 */
export function installScopedTimers(
  host: TimerHost,
  scope: () => ProgramScope | undefined,
  run: (scope: ProgramScope, fn: Callback, args: unknown[]) => void,
): OriginalTimers {
  const original: OriginalTimers = {
    setTimeout: host.setTimeout.bind(host) as typeof setTimeout,
    clearTimeout: host.clearTimeout.bind(host) as typeof clearTimeout,
    setInterval: host.setInterval.bind(host) as typeof setInterval,
    clearInterval: host.clearInterval.bind(host) as typeof clearInterval,
    requestAnimationFrame: host.requestAnimationFrame!.bind(host),
    addEventListener: host.addEventListener.bind(host),
  };
  const cancelFrame = host.cancelAnimationFrame!.bind(host);
  const removeListener = host.removeEventListener.bind(host);

  const callable = (fn: unknown, what: string): Callback => {
    if (typeof fn !== 'function') throw new TypeError(`${what} needs a function (code strings are not run).`);
    return fn as Callback;
  };

  host.setTimeout = ((fn: unknown, ms?: number, ...args: unknown[]) => {
    const owner = scope();
    const cb = callable(fn, 'setTimeout');
    const id = original.setTimeout(() => {
      if (!owner) return;
      owner.resolve().untrack(key); // after an amend, the timer belongs to the scope this one merged into
      run(owner, cb, args);
    }, ms);
    const key = `timeout:${String(id)}`;
    owner?.track(key, () => original.clearTimeout(id));
    return id;
  }) as typeof setTimeout;

  host.setInterval = ((fn: unknown, ms?: number, ...args: unknown[]) => {
    const owner = scope();
    const cb = callable(fn, 'setInterval');
    const id = original.setInterval(() => owner && run(owner, cb, args), Math.max(4, Number(ms) || 0));
    owner?.track(`interval:${String(id)}`, () => original.clearInterval(id));
    return id;
  }) as typeof setInterval;

  host.clearTimeout = ((id?: number) => {
    scope()?.untrack(`timeout:${String(id)}`);
    original.clearTimeout(id);
  }) as typeof clearTimeout;

  host.clearInterval = ((id?: number) => {
    scope()?.untrack(`interval:${String(id)}`);
    original.clearInterval(id);
  }) as typeof clearInterval;

  host.requestAnimationFrame = (fn: FrameRequestCallback) => {
    const owner = scope();
    const cb = callable(fn, 'requestAnimationFrame');
    const id = original.requestAnimationFrame((t) => {
      if (!owner) return;
      owner.resolve().untrack(key);
      run(owner, cb, [t]);
    });
    const key = `frame:${id}`;
    owner?.track(key, () => cancelFrame(id));
    return id;
  };

  host.cancelAnimationFrame = (id: number) => {
    scope()?.untrack(`frame:${id}`);
    cancelFrame(id);
  };

  const listenerIds = new WeakMap<object, number>();
  let nextListenerId = 0;
  const listenerKey = (type: string, listener: object) => {
    let id = listenerIds.get(listener);
    if (id === undefined) listenerIds.set(listener, (id = nextListenerId++));
    return `listener:${type}:${id}`;
  };

  host.addEventListener = (type: string, listener: EventListenerOrEventListenerObject, options?: unknown) => {
    const owner = scope();
    if (!owner || !listener) return;
    const key = listenerKey(String(type), listener);
    owner.undo(key); // adding the same listener twice keeps one, as the DOM does
    const handler = typeof listener === 'function' ? listener : (e: Event) => listener.handleEvent(e);
    const wrapped = (event: Event) => run(owner, handler as Callback, [event]);
    original.addEventListener(type, wrapped, options);
    owner.track(key, () => removeListener(type, wrapped, options));
  };

  host.removeEventListener = (type: string, listener: EventListenerOrEventListenerObject) => {
    if (listener) scope()?.undo(listenerKey(String(type), listener));
  };

  return original;
}
