import { afterEach, describe, expect, it } from 'vitest';
import { ProgramScope, type ScopeFailure } from './program-scope';
import { installScopedTimers } from './scoped-timers';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A stand-in for the worker global: Node's real timers, animation frames made from a 16 ms
 * timeout, and a real EventTarget for listeners. Counts what reaches the real clear functions.
 */
function createHost() {
  const target = new EventTarget();
  const cleared = { timeouts: 0, intervals: 0, frames: 0 };
  let nextFrame = 1;
  const frames = new Map<number, ReturnType<typeof setTimeout>>();
  const host = {
    setTimeout,
    clearTimeout: ((id: Parameters<typeof clearTimeout>[0]) => {
      cleared.timeouts++;
      clearTimeout(id);
    }) as typeof clearTimeout,
    setInterval,
    clearInterval: ((id: Parameters<typeof clearInterval>[0]) => {
      cleared.intervals++;
      clearInterval(id);
    }) as typeof clearInterval,
    requestAnimationFrame: (cb: FrameRequestCallback) => {
      const id = nextFrame++;
      frames.set(
        id,
        setTimeout(() => {
          frames.delete(id);
          cb(performance.now());
        }, 16),
      );
      return id;
    },
    cancelAnimationFrame: (id: number) => {
      cleared.frames++;
      clearTimeout(frames.get(id));
      frames.delete(id);
    },
    addEventListener: target.addEventListener.bind(target) as (type: string, listener: EventListenerOrEventListenerObject, options?: unknown) => void,
    removeEventListener: target.removeEventListener.bind(target) as (type: string, listener: EventListenerOrEventListenerObject, options?: unknown) => void,
    dispatchEvent: target.dispatchEvent.bind(target),
  };
  return { host, cleared };
}

function setup() {
  const { host, cleared } = createHost();
  const reports: Array<[number, ScopeFailure]> = [];
  const runs: number[] = [];
  let current: ProgramScope | undefined;
  const newScope = (id: number) => {
    const scope = new ProgramScope(id, (i, f) => reports.push([i, f]));
    scope.applying = false;
    return scope;
  };
  // what the program runner does: run a callback under its (resolved) owner, route errors to it
  const run = (creator: ProgramScope, fn: (...a: unknown[]) => unknown, args: unknown[]) => {
    const owner = creator.resolve();
    runs.push(owner.id);
    if (!owner.alive) return;
    const previous = current;
    current = owner;
    try {
      fn(...args);
    } catch (error) {
      owner.fail(error);
    } finally {
      current = previous;
    }
  };
  const original = installScopedTimers(host, () => current, run);
  /** Runs `fn` as code of `scope` (the way evaluation sets the current scope). */
  const inScope = <T>(scope: ProgramScope, fn: () => T): T => {
    const previous = current;
    current = scope;
    try {
      return fn();
    } finally {
      current = previous;
    }
  };
  return { host, cleared, reports, runs, original, newScope, inScope };
}

let env: ReturnType<typeof setup> | undefined;
afterEach(() => {
  env = undefined;
});

describe('installScopedTimers: timeouts', () => {
  it('runs a timeout through run, under the scope that set it, with its arguments', async () => {
    env = setup();
    const { host, newScope, inScope, runs } = env;
    const scope = newScope(1);
    const got: unknown[] = [];
    inScope(scope, () => host.setTimeout((a: unknown, b: unknown) => got.push(a, b), 5, 'x', 2));
    await sleep(30);
    expect(got).toEqual(['x', 2]);
    expect(runs).toEqual([1]);
  });

  it('cancels a pending timeout when its scope is disposed', async () => {
    env = setup();
    const { host, newScope, inScope, cleared } = env;
    const scope = newScope(1);
    let fired = false;
    inScope(scope, () => host.setTimeout(() => (fired = true), 10));
    scope.dispose();
    expect(cleared.timeouts).toBe(1);
    await sleep(30);
    expect(fired).toBe(false);
  });

  it('forgets a timeout once it fired, so dispose has nothing left to clear', async () => {
    env = setup();
    const { host, newScope, inScope, cleared } = env;
    const scope = newScope(1);
    inScope(scope, () => host.setTimeout(() => {}, 1));
    await sleep(20);
    scope.dispose();
    expect(cleared.timeouts).toBe(0);
  });

  it('lets the program clear its own timeout', async () => {
    env = setup();
    const { host, newScope, inScope } = env;
    const scope = newScope(1);
    let fired = false;
    inScope(scope, () => {
      const id = host.setTimeout(() => (fired = true), 5);
      host.clearTimeout(id);
    });
    await sleep(20);
    expect(fired).toBe(false);
  });

  it('routes an error thrown in a callback to the owning scope', async () => {
    env = setup();
    const { host, newScope, inScope, reports } = env;
    const scope = newScope(4);
    inScope(scope, () =>
      host.setTimeout(() => {
        throw new Error('tick failed');
      }, 1),
    );
    await sleep(20);
    expect(reports.map(([id, f]) => [id, (f.error as Error).message])).toEqual([[4, 'tick failed']]);
  });

  it('refuses code strings', () => {
    env = setup();
    const { host, newScope, inScope } = env;
    const scope = newScope(1);
    const call = (fn: () => unknown) => inScope(scope, fn);
    expect(() => call(() => host.setTimeout('globalThis.hacked = 1' as never, 1))).toThrow(new TypeError('setTimeout needs a function (code strings are not run).'));
    expect(() => call(() => host.setInterval('x()' as never, 1))).toThrow('setInterval needs a function (code strings are not run).');
    expect(() => call(() => host.requestAnimationFrame('x()' as never))).toThrow('requestAnimationFrame needs a function');
  });

  it('gives timers set by a merged (amended) scope to the scope it merged into', async () => {
    env = setup();
    const { host, newScope, inScope, runs, cleared } = env;
    const running = newScope(1);
    const amend = newScope(2);
    let fired = 0;
    inScope(amend, () => host.setTimeout(() => fired++, 5));
    inScope(amend, () => host.setTimeout(() => fired++, 60_000));
    amend.mergeInto(running);
    await sleep(30);
    expect(fired).toBe(1);
    expect(runs).toEqual([1]);
    // the timeout that fired is forgotten; only the pending one is cleared
    running.dispose();
    expect(cleared.timeouts).toBe(1);
  });
});

describe('installScopedTimers: intervals and frames', () => {
  it('runs an interval until its scope is disposed', async () => {
    env = setup();
    const { host, newScope, inScope } = env;
    const scope = newScope(1);
    let ticks = 0;
    inScope(scope, () => host.setInterval(() => ticks++, 5));
    await sleep(60);
    expect(ticks).toBeGreaterThanOrEqual(3);
    scope.dispose();
    const stopped = ticks;
    await sleep(40);
    expect(ticks).toBe(stopped);
  });

  it('lets the program clear its own interval', async () => {
    env = setup();
    const { host, newScope, inScope, cleared } = env;
    const scope = newScope(1);
    let ticks = 0;
    inScope(scope, () => {
      const id = host.setInterval(() => ticks++, 5);
      host.clearInterval(id);
    });
    await sleep(30);
    expect(ticks).toBe(0);
    scope.dispose();
    expect(cleared.intervals).toBe(1);
  });

  it('runs an animation-frame loop until its scope is disposed', async () => {
    env = setup();
    const { host, newScope, inScope, runs } = env;
    const scope = newScope(3);
    let frames = 0;
    const loop = (t: number) => {
      expect(typeof t).toBe('number');
      frames++;
      host.requestAnimationFrame!(loop);
    };
    inScope(scope, () => host.requestAnimationFrame!(loop));
    await sleep(120);
    expect(frames).toBeGreaterThanOrEqual(3);
    expect(new Set(runs)).toEqual(new Set([3]));
    scope.dispose();
    const stopped = frames;
    await sleep(60);
    expect(frames).toBe(stopped);
  });

  it('lets the program cancel its own frame', async () => {
    env = setup();
    const { host, newScope, inScope } = env;
    const scope = newScope(1);
    let frames = 0;
    inScope(scope, () => host.cancelAnimationFrame!(host.requestAnimationFrame!(() => frames++)));
    await sleep(40);
    expect(frames).toBe(0);
  });

  it('keeps one program’s timers when another program is disposed', async () => {
    env = setup();
    const { host, newScope, inScope } = env;
    const a = newScope(1);
    const b = newScope(2);
    const ticks = { a: 0, b: 0 };
    inScope(a, () => host.setInterval(() => ticks.a++, 5));
    inScope(b, () => host.setInterval(() => ticks.b++, 5));
    a.dispose();
    await sleep(40);
    expect(ticks.a).toBe(0);
    expect(ticks.b).toBeGreaterThan(0);
    b.dispose();
  });

  it('returns the real functions for the renderer’s own use, untracked', async () => {
    env = setup();
    const { original, newScope, inScope } = env;
    const scope = newScope(1);
    let fired = false;
    inScope(scope, () => original.setTimeout(() => (fired = true), 5));
    scope.dispose();
    await sleep(20);
    expect(fired).toBe(true);
  });
});

describe('installScopedTimers: event listeners', () => {
  it('runs a listener through run and removes it when its scope is disposed', () => {
    env = setup();
    const { host, newScope, inScope, runs } = env;
    const scope = newScope(5);
    const seen: string[] = [];
    inScope(scope, () => host.addEventListener('message', (e: Event) => seen.push(e.type)));
    host.dispatchEvent(new Event('message'));
    expect(seen).toEqual(['message']);
    expect(runs).toEqual([5]);
    scope.dispose();
    host.dispatchEvent(new Event('message'));
    expect(seen).toEqual(['message']);
  });

  it('keeps one listener when the same one is added twice, as the DOM does', () => {
    env = setup();
    const { host, newScope, inScope } = env;
    const scope = newScope(1);
    let calls = 0;
    const listener = () => calls++;
    inScope(scope, () => {
      host.addEventListener('keydown', listener);
      host.addEventListener('keydown', listener);
    });
    host.dispatchEvent(new Event('keydown'));
    expect(calls).toBe(1);
  });

  it('removes a listener the program removes, leaving other types alone', () => {
    env = setup();
    const { host, newScope, inScope } = env;
    const scope = newScope(1);
    const calls: string[] = [];
    const listener = (e: Event) => calls.push(e.type);
    inScope(scope, () => {
      host.addEventListener('a', listener);
      host.addEventListener('b', listener);
      host.removeEventListener('a', listener);
    });
    host.dispatchEvent(new Event('a'));
    host.dispatchEvent(new Event('b'));
    expect(calls).toEqual(['b']);
  });

  it('accepts listener objects with handleEvent', () => {
    env = setup();
    const { host, newScope, inScope } = env;
    const scope = newScope(1);
    const seen: string[] = [];
    const listener = { handleEvent: (e: Event) => seen.push(e.type) };
    inScope(scope, () => host.addEventListener('resize', listener));
    host.dispatchEvent(new Event('resize'));
    scope.dispose();
    host.dispatchEvent(new Event('resize'));
    expect(seen).toEqual(['resize']);
  });

  it('routes an error thrown in a listener to the owning scope', () => {
    env = setup();
    const { host, newScope, inScope, reports } = env;
    const scope = newScope(9);
    inScope(scope, () =>
      host.addEventListener('click', () => {
        throw new Error('listener failed');
      }),
    );
    host.dispatchEvent(new Event('click'));
    expect(reports.map(([id, f]) => [id, (f.error as Error).message])).toEqual([[9, 'listener failed']]);
  });

  it('lets the renderer add its own listeners through the originals, kept after dispose', () => {
    env = setup();
    const { host, original, newScope, inScope } = env;
    const scope = newScope(1);
    let calls = 0;
    inScope(scope, () => original.addEventListener('message', () => calls++));
    scope.dispose();
    host.dispatchEvent(new Event('message'));
    expect(calls).toBe(1);
  });
});
