import { events, expect, expectFramesAdvance, expectNonBlank, expectScreenNonBlank, openPlayer, probe, test, waitForState } from './fixtures';

test('player smoke: first frame, ten preset switches, a crashing preset, no console errors', async ({ page, consoleErrors }) => {
  await openPlayer(page);
  await waitForState(page, 'running');
  await expectScreenNonBlank(page, 'first frame');
  await expect(page.getByTestId('preset-name')).not.toBeEmpty();
  // The playbook's time to first visualizer frame: on the page's first success only, since navigation.
  const [first, ...later] = (await events(page)).filter((e) => e.name === 'hydra_preset_eval_success');
  const drawnAt = await page.evaluate(() => window.patchroomPlayer.firstFrames()[0]!.at);
  expect(first!.first_frame_ms).toBeGreaterThan(0);
  expect(Math.abs(Number(first!.first_frame_ms) - drawnAt)).toBeLessThan(500);
  expect(later.every((e) => e.first_frame_ms === undefined)).toBe(true);

  const presets = await page.evaluate(() => window.patchroomPlayer.presets());
  expect(presets.length).toBeGreaterThanOrEqual(2);
  for (let i = 1; i <= 10; i++) {
    const successes = (await events(page)).filter((e) => e.name === 'hydra_preset_eval_success').length;
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => (await events(page)).filter((e) => e.name === 'hydra_preset_eval_success').length).toBe(successes + 1);
    const expected = presets[i % presets.length]!;
    await expect(page.getByTestId('preset-name')).toHaveText(expected.name);
    await waitForState(page, 'running');
    expectNonBlank(await probe(page), `after switch ${i} to ${expected.id}`);
    expect((await events(page)).filter((e) => 'first_frame_ms' in e)).toHaveLength(1);
    await expectScreenNonBlank(page, `screen after switch ${i}`);
  }
  // One hydra instance and one WebGL context for the player's lifetime: still the first renderer.
  expect((await probe(page)).generation).toBe(1);
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('preset-name')).toHaveText(presets[9 % presets.length]!.name);

  const result = await page.evaluate(() => window.patchroomPlayer.applyCode('osc(30, 0.1).out()\nthrow new Error("smoke test crash")', 'Crashing preset'));
  expect(result.ok).toBe(false);
  const overlay = page.getByRole('alert');
  await expect(overlay).toBeVisible();
  await expect(overlay).toContainText('smoke test crash');
  await expect(overlay).toContainText('line 2');
  await waitForState(page, 'recovered');
  await expectScreenNonBlank(page, 'frame after the crash');
  await expectFramesAdvance(page);
  expect((await events(page)).some((e) => e.name === 'hydra_preset_eval_error' && e.error_message?.includes('smoke test crash'))).toBe(true);

  // Every event carries the playbook's fields.
  for (const event of await events(page)) {
    for (const field of ['event_id', 'session_id', 'browser', 'platform', 'timestamp', 'correlation_id', 'preset_id']) {
      expect(event[field], `${event.name}.${field}`).toBeTruthy();
    }
  }
  expect(consoleErrors).toEqual([]);
});

test('F toggles full screen', async ({ page }) => {
  await openPlayer(page);
  await page.keyboard.press('f');
  await expect.poll(() => page.evaluate(() => document.fullscreenElement?.id ?? null)).toBe('player');
  await page.keyboard.press('f');
  await expect.poll(() => page.evaluate(() => document.fullscreenElement?.id ?? null)).toBe(null);
});

test('an audio-reactive sketch runs unchanged without a microphone', async ({ page, consoleErrors }) => {
  await openPlayer(page);
  const result = await page.evaluate(() =>
    window.patchroomPlayer.applyCode('a.setBins(4)\na.setSmooth(0.8)\nosc(20, 0.1, () => 1 + a.fft[0] * 4).kaleid(() => 3 + a.fft[1]).out()', 'Audio sketch'),
  );
  expect(result).toEqual({ ok: true });
  await waitForState(page, 'running');
  expectNonBlank(await probe(page), 'audio sketch');
  expect(consoleErrors).toEqual([]);
});

test('a share link (?code=) plays its code; a broken link says so and plays a preset', async ({ page }) => {
  const code = Buffer.from('osc(12, 0.1, 1).mult(shape(4, 0.6, 0.3)).rotate(() => time).out()').toString('base64url');
  await openPlayer(page, `?code=${code}`);
  await waitForState(page, 'running');
  await expect(page.getByTestId('preset-name')).toHaveText('Shared code');
  expectNonBlank(await probe(page), 'shared code');

  await openPlayer(page, '?code=%%%not-base64');
  await expect(page.getByRole('alert')).toContainText('not valid base64url');
  await waitForState(page, 'running');
});
