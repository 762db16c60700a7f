import type { Page } from '@playwright/test';
import { events, expect, expectFramesAdvance, expectNonBlank, expectScreenNonBlank, openPlayer, probe, test, waitForState } from './fixtures';

/**
 * Bad programs. For each, in a real browser, with a good program running: the error is shown (with
 * its line where it has one), hydra_preset_eval_error is emitted, the page answers a click within a
 * second while the bad program runs, and afterwards the *same* last good frame is still being drawn.
 */
interface BadProgram {
  name: string;
  code: string;
  /** Expected in the error message. */
  message: RegExp;
  kind: string;
  line?: number;
  /** Hangs the renderer: recovery restarts it, so allow the watchdog's time. */
  hangs?: boolean;
  /** Fails after it was applied (while rendering): reported once, and the program is replaced. */
  phase?: 'apply' | 'render';
}

const CORPUS: BadProgram[] = [
  { name: 'syntax error', code: 'osc(10)\n  .rotate(0.5\n  .out()', message: /Syntax error/, kind: 'syntax', line: 3 },
  { name: 'throw at evaluation', code: 'osc(10).out()\nthrow new Error("boom at evaluation")', message: /boom at evaluation/, kind: 'runtime', line: 2 },
  { name: 'throw inside a value function', code: 'noise(3)\n  .rotate(() => { throw new Error("boom in a value function") })\n  .out()', message: /boom in a value function/, kind: 'value', line: 2 },
  { name: 'unknown function', code: 'osc(10).out()\noscillate(4).out()', message: /oscillate is not defined/, kind: 'runtime', line: 2 },
  { name: 'wrong argument type', code: 'osc("fast").out()', message: /osc\(\) argument 1 \(frequency\) must be a number, an array of numbers or a function; got "fast"/, kind: 'runtime', line: 1 },
  { name: 'NaN parameter', code: 'osc(10, NaN).out()', message: /argument 2 \(sync\) must be a finite number; got NaN/, kind: 'runtime', line: 1 },
  { name: 'Infinity parameter', code: 'osc(10)\n  .kaleid(Infinity)\n  .out()', message: /kaleid\(\) argument 1 \(nSides\) must be a finite number; got Infinity/, kind: 'runtime', line: 2 },
  { name: 'value function returning NaN', code: 'osc(() => 0 / 0).out()', message: /returned NaN, not a finite number/, kind: 'value', line: 1 },
  {
    name: 'shader that fails to compile',
    code: "setFunction({ name: 'broken', type: 'src', inputs: [], glsl: 'return vec4(oops);' })\nbroken().out()",
    message: /Shader did not compile: .*oops.*broken/,
    kind: 'shader',
    line: 2,
  },
  { name: 'infinite loop at evaluation', code: 'osc(10).out()\nwhile (true) {}', message: /loop at line 2 ran more than 1,000,000 times/, kind: 'timeout', line: 2 },
  { name: 'infinite loop inside a value function', code: 'osc(() => {\n  for (;;) {}\n}).out()', message: /loop at line 2 ran more than 1,000,000 times in one frame/, kind: 'timeout', line: 2 },
  { name: 'deep recursion', code: 'const dive = (n) => dive(n + 1) + 1\ndive(0)', message: /Maximum call stack size exceeded|too much recursion/, kind: 'runtime', line: 1 },
  { name: '10^7-iteration loop', code: 'let sum = 0\nfor (let i = 0; i < 1e7; i++) sum += i\nosc(sum % 40).out()', message: /loop at line 2 ran more than 1,000,000 times/, kind: 'timeout', line: 2 },
  { name: 'absurd output resolution', code: 'setResolution(100000, 100000)\nosc(10).out()', message: /setResolution\(100000, 100000\): width and height must be whole numbers from 1 to \d+/, kind: 'runtime', line: 1 },
  { name: 'output that is not an output', code: 'osc(10).out(5)', message: /\.out\(\) takes an output: o0, o1, o2 or o3; got 5/, kind: 'runtime', line: 1 },
  { name: 'throwing update()', code: 'osc(10).out()\nupdate = () => { throw new Error("boom in update") }', message: /boom in update/, kind: 'value', line: 2 },
  { name: 'hang that escapes loop guards (eval)', code: 'osc(10).out()\neval("while (true) {}")', message: /stopped responding/, kind: 'hang', hangs: true },
  { name: 'hang inside a value function (Function)', code: 'osc(() => Function("for (;;) {}")()).out()', message: /stopped responding/, kind: 'hang', hangs: true },
];

/** Static (time-invariant) so the "same picture" can be compared exactly. */
const GOOD = 'osc(20, 0, 1.5)\n  .kaleid(5)\n  .color(1, 0.6, 0.9)\n  .out()';

/** Adds a button whose click handler records when it ran; returns where to click. */
async function armClickProbe(page: Page): Promise<{ x: number; y: number }> {
  return page.evaluate(() => {
    const button = document.createElement('button');
    button.id = 'responsiveness-probe';
    button.textContent = 'probe';
    Object.assign(button.style, { position: 'fixed', right: '0', bottom: '0', zIndex: '10' });
    button.addEventListener('click', () => {
      (window as unknown as { clickedAt: number }).clickedAt = performance.now();
    });
    document.body.appendChild(button);
    const box = button.getBoundingClientRect();
    return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  });
}

test.describe('crash corpus', () => {
  let probeButton: { x: number; y: number };
  test.beforeEach(async ({ page }) => {
    await openPlayer(page);
    probeButton = await armClickProbe(page);
  });

  for (const bad of CORPUS) {
    test(bad.name, async ({ page, consoleErrors }) => {
      expect(await page.evaluate((code) => window.patchroomPlayer.applyCode(code, 'Good'), GOOD)).toEqual({ ok: true });
      await waitForState(page, 'running');
      const good = await probe(page);
      expectNonBlank(good, 'good program');

      // Apply the bad program without waiting, then click while it runs (or hangs).
      await page.evaluate((code) => {
        (window as unknown as { pending: Promise<unknown> }).pending = window.patchroomPlayer.applyCode(code, 'Bad');
        (window as unknown as { clickStart: number }).clickStart = performance.now();
      }, bad.code);
      // A raw mouse click (no actionability waits): the latency measured is the page's own.
      await page.mouse.click(probeButton.x, probeButton.y);
      const clickLatency = await page.evaluate(() => {
        const w = window as unknown as { clickedAt?: number; clickStart: number };
        return w.clickedAt === undefined ? Infinity : w.clickedAt - w.clickStart;
      });
      expect(clickLatency, 'click handler latency (ms)').toBeLessThan(1000);

      const result = (await page.evaluate(() => (window as unknown as { pending: Promise<unknown> }).pending)) as {
        ok: boolean;
        error?: { kind: string; message: string; line?: number };
      };
      expect(result.ok).toBe(false);
      expect(result.error?.kind).toBe(bad.kind);
      expect(result.error?.message).toMatch(bad.message);
      if (bad.line !== undefined) expect(result.error?.line).toBe(bad.line);

      const overlay = page.getByRole('alert');
      await expect(overlay).toBeVisible();
      await expect(overlay).toContainText(bad.message);
      if (bad.line !== undefined) await expect(overlay).toContainText(`line ${bad.line}`);

      const errorEvents = (await events(page)).filter((e) => e.name === 'hydra_preset_eval_error');
      expect(errorEvents.length).toBe(1);
      expect(errorEvents[0]!.error_kind).toBe(bad.kind);
      expect(errorEvents[0]!.correlation_id).toBeTruthy();

      await waitForState(page, 'recovered');
      await expectFramesAdvance(page);
      const after = await probe(page);
      expect(after.signature, 'the last good picture is the one on screen').toBe(good.signature);
      // Only code that never returns costs a new renderer; everything else keeps the same one.
      expect(after.generation).toBe(bad.hangs ? 2 : 1);
      await expectScreenNonBlank(page, 'screen after the bad program');

      // Reported once: a few more frames do not add errors.
      await expectFramesAdvance(page);
      expect((await events(page)).filter((e) => e.name === 'hydra_preset_eval_error').length).toBe(1);
      expect(consoleErrors).toEqual([]);
    });
  }
});

test('a value function that starts throwing later is reported once and the picture keeps going', async ({ page, consoleErrors }) => {
  await openPlayer(page);
  const code = 'osc(20, 0.1, 1.2)\n  .rotate(() => { if (time > 0.5) throw new Error("late failure"); return 0.2 })\n  .out()';
  expect(await page.evaluate((c) => window.patchroomPlayer.applyCode(c, 'Late'), code)).toEqual({ ok: true });
  await expect(page.getByRole('alert')).toContainText('late failure', { timeout: 10_000 });
  await expect(page.getByRole('alert')).toContainText('line 2');
  await expectFramesAdvance(page);
  await expectFramesAdvance(page);
  const errors = (await events(page)).filter((e) => e.name === 'hydra_preset_eval_error');
  expect(errors).toHaveLength(1);
  expect(errors[0]!.phase).toBe('render');
  expectNonBlank(await probe(page), 'frame after a late failure');
  expect(consoleErrors).toEqual([]);
});

test('with no good program yet, a failing program gives way to the fallback preset', async ({ page, consoleErrors }) => {
  const code = Buffer.from('osc(10).out()\nthrow new Error("broken share link")').toString('base64url');
  await page.goto(`/play?code=${code}`);
  await waitForState(page, 'fallback');
  await expect(page.getByRole('alert')).toContainText('broken share link');
  await expect(page.getByRole('alert')).toContainText('fallback');
  expectNonBlank(await probe(page), 'fallback frame');
  const names = (await events(page)).map((e) => e.name);
  expect(names).toContain('hydra_fallback_applied');
  const error = (await events(page)).find((e) => e.name === 'hydra_preset_eval_error')!;
  const fallback = (await events(page)).find((e) => e.name === 'hydra_fallback_applied')!;
  expect(fallback.correlation_id).toBe(error.correlation_id);
  expect(consoleErrors).toEqual([]);
});

test('a program applied while the renderer restarts after a hang is the one that ends up playing', async ({ page }) => {
  await openPlayer(page);
  expect(await page.evaluate((c) => window.patchroomPlayer.applyCode(c, 'Good'), GOOD)).toEqual({ ok: true });
  const hung = await page.evaluate(() => window.patchroomPlayer.applyCode('eval("while (true) {}")', 'Hang'));
  expect(hung.error?.kind).toBe('hang');
  // Straight after the hang is noticed, while the renderer is being restarted:
  const next = 'shape(4, 0.5, 0.01).color(0.2, 0.9, 0.4).out()';
  expect(await page.evaluate((c) => window.patchroomPlayer.applyCode(c, 'Next'), next)).toEqual({ ok: true });
  await waitForState(page, 'running');
  await expectFramesAdvance(page);
  const shown = await probe(page);
  expect(shown.generation).toBe(2);
  // The green square, not the good program the recovery restored first.
  expect(await page.evaluate(() => window.patchroomPlayer.current().name)).toBe('Next');
  expect(shown.distinct).toBeLessThan(12);
});
