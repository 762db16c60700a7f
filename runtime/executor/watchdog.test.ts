import { describe, expect, it } from 'vitest';
import { createWatchdog } from './watchdog';

/** A clock we move by hand and a manual `every`: each check is one call to `tick()`. */
function harness(options: { timeoutMs?: number; checkEveryMs?: number; paused?: () => boolean } = {}) {
  let time = 1000;
  let check: (() => void) | undefined;
  let interval = 0;
  let cancels = 0;
  const hangs: number[] = [];
  const dog = createWatchdog({
    timeoutMs: options.timeoutMs ?? 1000,
    ...(options.checkEveryMs ? { checkEveryMs: options.checkEveryMs } : {}),
    now: () => time,
    every: (fn, ms) => {
      check = fn;
      interval = ms;
      return () => {
        cancels++;
        check = undefined;
      };
    },
    ...(options.paused ? { paused: options.paused } : {}),
    onHang: (ms) => hangs.push(ms),
  });
  return {
    dog,
    hangs,
    interval: () => interval,
    cancels: () => cancels,
    scheduled: () => check !== undefined,
    /** Advances the clock by `ms` and runs the periodic check, if one is scheduled. */
    tick(ms = 100) {
      time += ms;
      check?.();
    },
    /** Advances the clock in check-sized steps for `total` ms, beating every `beatEvery` ms (0: never). */
    run(total: number, beatEvery = 0, step = 100) {
      for (let t = step; t <= total; t += step) {
        time += step;
        if (beatEvery && t % beatEvery === 0) dog.beat();
        check?.();
      }
    },
  };
}

describe('createWatchdog', () => {
  it('checks every 100 ms by default and reports no hang while beats arrive', () => {
    const h = harness();
    h.dog.start();
    expect(h.interval()).toBe(100);
    expect(h.dog.running()).toBe(true);
    h.run(60_000, 100);
    expect(h.hangs).toEqual([]);
    h.run(10_000, 900);
    expect(h.hangs).toEqual([]);
  });

  it('reports a hang once, after timeoutMs of silence, and stops checking', () => {
    const h = harness({ timeoutMs: 1000 });
    h.dog.start();
    h.run(500, 100);
    h.run(1000);
    expect(h.hangs).toEqual([]);
    h.tick(100);
    expect(h.hangs).toEqual([1100]);
    expect(h.dog.running()).toBe(false);
    expect(h.scheduled()).toBe(false);
    h.run(5000);
    expect(h.hangs).toEqual([1100]);
  });

  it('does not count a gap in which its own checks were delayed (this thread was busy)', () => {
    const h = harness({ timeoutMs: 1000 });
    h.dog.start();
    h.tick(100);
    // our own page froze for 3 s: the check comes late, the renderer may have beaten meanwhile
    h.tick(3000);
    expect(h.hangs).toEqual([]);
    // silence is measured again from the late check
    h.run(1000);
    expect(h.hangs).toEqual([]);
    h.tick(100);
    expect(h.hangs).toEqual([1100]);
  });

  it('counts a check that is only a little late', () => {
    const h = harness({ timeoutMs: 1000 });
    h.dog.start();
    for (let i = 0; i < 3; i++) h.tick(390);
    expect(h.hangs).toEqual([1170]);
  });

  it('reports nothing while paused (a hidden tab), and measures from when it resumes', () => {
    let paused = true;
    const h = harness({ timeoutMs: 1000, paused: () => paused });
    h.dog.start();
    h.run(10_000);
    expect(h.hangs).toEqual([]);
    paused = false;
    h.run(1000);
    expect(h.hangs).toEqual([]);
    h.tick(100);
    expect(h.hangs).toEqual([1100]);
  });

  it('stops on stop() and starts fresh on start()', () => {
    const h = harness({ timeoutMs: 1000 });
    h.dog.start();
    h.run(500);
    h.dog.stop();
    expect(h.dog.running()).toBe(false);
    expect(h.cancels()).toBe(1);
    h.run(5000);
    expect(h.hangs).toEqual([]);
    h.dog.start();
    h.run(1000);
    expect(h.hangs).toEqual([]);
    h.tick(100);
    expect(h.hangs).toEqual([1100]);
  });

  it('replaces its schedule when started twice', () => {
    const h = harness();
    h.dog.start();
    h.dog.start();
    expect(h.cancels()).toBe(1);
    expect(h.dog.running()).toBe(true);
  });

  it('uses the check interval it is given, and treats 4 missed checks as a delay', () => {
    const h = harness({ timeoutMs: 2000, checkEveryMs: 500 });
    h.dog.start();
    expect(h.interval()).toBe(500);
    h.tick(1900); // under 4 × 500: a real check
    expect(h.hangs).toEqual([]);
    h.tick(500);
    expect(h.hangs).toEqual([2400]);
  });

  it('runs on real timers by default', async () => {
    const hangs: number[] = [];
    const dog = createWatchdog({ timeoutMs: 30, checkEveryMs: 10, onHang: (ms) => hangs.push(ms) });
    dog.start();
    const until = Date.now() + 3000;
    while (!hangs.length && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(hangs).toHaveLength(1);
    expect(hangs[0]).toBeGreaterThan(30);
    expect(dog.running()).toBe(false);
  });
});
