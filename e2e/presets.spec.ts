import { events, expect, expectNonBlank, openPlayer, probe, test, waitForState } from './fixtures';

test('every starter preset plays a non-blank, moving picture without errors', async ({ page, consoleErrors }) => {
  await openPlayer(page);
  const presets = await page.evaluate(() => window.patchroomPlayer.presets());
  expect(presets.length).toBeGreaterThanOrEqual(16);
  expect(presets.filter((p) => p.kind === 'patch').length).toBeGreaterThanOrEqual(8);
  expect(presets.filter((p) => p.kind === 'code').length).toBeGreaterThanOrEqual(8);
  for (const [index, preset] of presets.entries()) {
    expect(await page.evaluate((i) => window.patchroomPlayer.select(i), index), preset.id).toEqual({ ok: true });
    await waitForState(page, 'running');
    await expect(page.getByTestId('preset-name')).toHaveText(preset.name);
    const first = await probe(page);
    expectNonBlank(first, preset.id);
    // Animated: a later frame differs.
    await expect.poll(async () => (await probe(page)).signature, { message: `${preset.id} animates`, timeout: 5000 }).not.toBe(first.signature);
  }
  expect((await events(page)).filter((e) => e.name === 'hydra_preset_eval_error')).toEqual([]);
  expect(consoleErrors).toEqual([]);
});
