import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, expectNonBlank, test, type ProbeStats } from './fixtures';
import { addNode, connect, openStudio } from './studio-page';

test.use({ viewport: { width: 1280, height: 720 } });

async function previewSignature(page: Page): Promise<ProbeStats> {
  const stats = await page.evaluate(() => window.patchroomStudio.probe());
  if (!stats) throw new Error('the preview did not answer the probe');
  return stats;
}

/** Waits until the preview shows a picture other than `before`. */
async function expectPreviewChanges(page: Page, before: string) {
  await expect.poll(async () => (await previewSignature(page)).signature, { timeout: 10_000 }).not.toBe(before);
}

test('build osc → kaleid → out with the palette and drag-to-connect; the preview follows', async ({ page, consoleErrors }) => {
  await openStudio(page);
  await expect(page.getByTestId('empty-state')).toBeVisible();
  const box = (await page.getByTestId('editor').boundingBox())!;
  await addNode(page, 'osc', { x: box.x + 120, y: box.y + 200 });
  await addNode(page, 'kaleid', { x: box.x + 360, y: box.y + 200 });
  await addNode(page, 'out', { x: box.x + 600, y: box.y + 200 });
  await expect(page.getByTestId('node')).toHaveCount(3);
  const blank = await previewSignature(page);

  await connect(page, ['osc1', 'out'], ['kaleid1', 'in']);
  await connect(page, ['kaleid1', 'out'], ['out1', 'in']);
  await expect.poll(() => page.evaluate(() => window.patchroomStudio.patch().edges.length)).toBe(2);
  expect(await page.evaluate(() => window.patchroomStudio.code())).toBe('osc()\n  .kaleid()\n  .out()\n');
  await expectPreviewChanges(page, blank.signature);
  expectNonBlank(await previewSignature(page), 'osc → kaleid → out');

  // A mismatched connection (texture into a number input) is refused, visibly.
  await connect(page, ['osc1', 'out'], ['kaleid1', 'nSides']);
  await expect(page.getByTestId('toast').filter({ hasText: 'Cannot connect a texture output to a number input' })).toBeVisible();
  expect(await page.evaluate(() => window.patchroomStudio.patch().edges.length)).toBe(2);
  expect(consoleErrors).toEqual([]);
});

test('moving a slider changes the preview live; exact entry and expressions work too', async ({ page }) => {
  await openStudio(page);
  const box = (await page.getByTestId('editor').boundingBox())!;
  await addNode(page, 'osc', { x: box.x + 150, y: box.y + 150 });
  await addNode(page, 'out', { x: box.x + 450, y: box.y + 150 });
  await connect(page, ['osc1', 'out'], ['out1', 'in']);
  // sync 0: a still picture, so only the slider can change it.
  const sync = page.getByTestId('param-osc1-sync');
  await sync.fill('0');
  await sync.press('Enter');
  await expect.poll(() => page.evaluate(() => window.patchroomStudio.code())).toBe('osc(60, 0)\n  .out()\n');
  await expect.poll(async () => (await previewSignature(page)).distinct).toBeGreaterThan(4);
  const before = await previewSignature(page);
  expect((await previewSignature(page)).signature, 'the picture is still').toBe(before.signature);
  const slider = page.getByTestId('param-osc1-frequency-slider');
  await slider.focus();
  await slider.fill('120');
  await expect.poll(() => page.evaluate(() => window.patchroomStudio.patch().nodes.find((n) => n.id === 'osc1')?.params?.frequency)).toBe(120);
  await expectPreviewChanges(page, before.signature);
  // Live: the same renderer (one hydra instance, one WebGL context) all along.
  expect((await previewSignature(page)).generation).toBe(1);

  const exact = page.getByTestId('param-osc1-sync');
  await exact.fill('() => Math.sin(time) * 0.2');
  await exact.press('Enter');
  await expect.poll(() => page.evaluate(() => window.patchroomStudio.code())).toContain('osc(120, () => Math.sin(time) * 0.2)');
  await exact.fill('() => (');
  await exact.press('Enter');
  await expect(exact).toHaveAttribute('aria-invalid', 'true');
  expect(await page.evaluate(() => window.patchroomStudio.code())).toContain('osc(120, () => Math.sin(time) * 0.2)');
});

test('undo and redo restore the patch', async ({ page }) => {
  await openStudio(page);
  const box = (await page.getByTestId('editor').boundingBox())!;
  await addNode(page, 'noise', { x: box.x + 150, y: box.y + 150 });
  await addNode(page, 'out', { x: box.x + 450, y: box.y + 150 });
  await connect(page, ['noise1', 'out'], ['out1', 'in']);
  await expect.poll(() => page.evaluate(() => window.patchroomStudio.patch().edges.length)).toBe(1);
  const built = await page.evaluate(() => window.patchroomStudio.patch());

  await page.locator('[data-node-id="noise1"] header').click();
  await page.keyboard.press('Delete');
  await expect(page.getByTestId('node')).toHaveCount(1);
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('node')).toHaveCount(2);
  expect(await page.evaluate(() => window.patchroomStudio.patch())).toEqual(built);
  await page.keyboard.press('Control+Shift+z');
  await expect(page.getByTestId('node')).toHaveCount(1);
  await page.getByTestId('undo').click();
  expect(await page.evaluate(() => window.patchroomStudio.patch())).toEqual(built);
});

test('a syntax error in code mode marks its line and the last good picture keeps running', async ({ page, consoleErrors }) => {
  await openStudio(page);
  await page.getByTestId('mode-code').click();
  const editor = page.getByTestId('code-editor');
  await expect(editor).toBeVisible({ timeout: 20_000 });
  await editor.locator('.view-lines').click();
  await page.keyboard.press('Control+a');
  await page.keyboard.type('osc(12, 0.1, 1.2)\n.kaleid(5)\n.out()');
  await page.keyboard.press('Control+Enter');
  await expect.poll(() => page.evaluate(() => window.patchroomStudio.code())).toMatch(/^osc\(12, 0\.1, 1\.2\)\s*\.kaleid\(5\)\s*\.out\(\)\s*$/);
  await expect.poll(() => page.evaluate(() => window.patchroomStudio.run().status)).toBe('running');
  await expect.poll(async () => (await previewSignature(page)).distinct).toBeGreaterThan(4);
  const good = await previewSignature(page);
  expectNonBlank(good, 'code preset');

  await page.keyboard.press('Control+a');
  await page.keyboard.type('osc(12, 0.1, 1.2)\n.kaleid(5\n.out()');
  await page.keyboard.press('Control+Enter');
  await expect(editor).toHaveAttribute('data-markers', '1');
  await expect(editor.locator('.squiggly-error')).toHaveCount(1);
  await expect(page.getByTestId('run-error')).toContainText('line 3');
  expectNonBlank(await previewSignature(page), 'after the syntax error');
  expect(consoleErrors).toEqual([]);
});

test('export then import gives back the same patch; a bad file changes nothing', async ({ page }, testInfo) => {
  await openStudio(page);
  await page.getByRole('button', { name: 'Lattice Bloom' }).click();
  await expect(page.getByTestId('node').first()).toBeVisible();
  const original = await page.evaluate(() => window.patchroomStudio.patch());

  const download = page.waitForEvent('download');
  await page.getByTestId('export').click();
  const file = testInfo.outputPath('exported.json');
  await (await download).saveAs(file);
  expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(original);

  await page.keyboard.press('Control+a');
  await page.keyboard.press('Delete');
  await expect(page.getByTestId('node')).toHaveCount(0);
  await page.getByTestId('import-input').setInputFiles(file);
  await expect.poll(() => page.evaluate(() => window.patchroomStudio.patch())).toEqual(original);

  const before = await page.evaluate(() => window.patchroomStudio.patch());
  await page.getByTestId('import-input').setInputFiles({ name: 'future.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ ...original, version: 9 })) });
  await expect(page.getByTestId('toast').filter({ hasText: 'newer Patchroom' })).toBeVisible();
  await page.getByTestId('import-input').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"version": 1, "nodes": [') });
  await expect(page.getByTestId('toast').filter({ hasText: 'not valid JSON' })).toBeVisible();
  expect(await page.evaluate(() => window.patchroomStudio.patch())).toEqual(before);
});

test('code → patch: change a number in the code, Ctrl+Enter, and the patch follows', async ({ page }) => {
  await openStudio(page);
  await page.getByRole('button', { name: 'Reef Signal' }).click();
  await expect(page.getByTestId('node').first()).toBeVisible();
  const before = await page.evaluate(() => window.patchroomStudio.patch());
  const code = await page.evaluate(() => window.patchroomStudio.code());
  const match = /kaleid\((\d+)\)/.exec(code);
  expect(match, 'the patch has a kaleid with a number').not.toBeNull();
  const editor = page.getByTestId('code-editor');
  await expect(editor).toHaveAttribute('data-state', 'ready', { timeout: 20_000 });
  // Select everything and type the edited program, as a performer would paste it.
  await editor.locator('.view-lines').click();
  await page.keyboard.press('Control+a');
  const edited = code.replace(`kaleid(${match![1]})`, 'kaleid(11)');
  await page.keyboard.insertText(edited);
  await page.keyboard.press('Control+Enter');
  await expect.poll(() => page.evaluate(() => window.patchroomStudio.patch().nodes.find((n) => n.type === 'hydra-core/kaleid')?.params?.nSides)).toBe(11);
  const after = await page.evaluate(() => window.patchroomStudio.patch());
  // Same nodes (ids kept from the patch), one number changed.
  expect(after.nodes.map((n) => n.id)).toEqual(before.nodes.map((n) => n.id).sort((a, b) => a.localeCompare(b, 'en', { numeric: true })));
  await expect.poll(() => page.evaluate(() => window.patchroomStudio.code())).toContain('kaleid(11)');
  // And it is one undo step.
  await page.locator('[data-testid=editor]').click({ position: { x: 10, y: 10 } });
  await page.keyboard.press('Control+z');
  await expect.poll(() => page.evaluate(() => window.patchroomStudio.patch().nodes.find((n) => n.type === 'hydra-core/kaleid')?.params?.nSides)).toBe(Number(match![1]));
});

test('completion comes from the Hydra function table, with signatures and defaults', async ({ page }) => {
  await openStudio(page);
  await page.getByTestId('mode-code').click();
  const editor = page.getByTestId('code-editor');
  await expect(editor).toHaveAttribute('data-state', 'ready', { timeout: 20_000 });
  await editor.locator('.view-lines').click();
  await page.keyboard.type('osc(10).kal');
  const suggest = page.locator('.suggest-widget');
  await expect(suggest).toBeVisible();
  await expect(suggest).toContainText('kaleid');
  await expect(suggest).toContainText('nSides = 4');
});

test('the patch survives a reload (autosave); Share gives a /play link that plays it', async ({ page, context }) => {
  await openStudio(page);
  await page.getByRole('button', { name: 'Moiré Chorus' }).click();
  await expect(page.getByTestId('node').first()).toBeVisible();
  const patch = await page.evaluate(() => window.patchroomStudio.patch());
  await page.reload();
  await expect.poll(() => page.evaluate(() => window.patchroomStudio?.patch())).toEqual(patch);

  await page.getByTestId('share').click();
  const link = await page.evaluate(() => (window as unknown as { patchroomLastShare: string }).patchroomLastShare);
  expect(link).toMatch(/\/play\?code=/);
  const player = await context.newPage();
  await player.goto(link);
  await expect(player.getByTestId('player')).toHaveAttribute('data-player-state', 'running', { timeout: 15_000 });
  await expect(player.getByTestId('preset-name')).toHaveText('Shared code');
});

test('Ctrl+Shift+H hides the interface over the preview; the thumbnail shows the selected node', async ({ page }) => {
  await openStudio(page);
  await page.getByRole('button', { name: 'Ember Weave' }).click();
  await page.locator('[data-node-id="osc1"] header').click();
  await expect(page.getByTestId('thumbnail')).toBeVisible();
  // hydra-core's own node view: the lfo draws its wave.
  await expect(page.locator('[data-node-id="lfo1"] [data-testid=lfo-plot]')).toBeAttached();
  await page.keyboard.press('Control+Shift+H');
  await expect(page.getByTestId('toolbar')).toBeHidden();
  await expect(page.getByTestId('editor')).toBeHidden();
  const preview = (await page.getByTestId('preview').boundingBox())!;
  expect(preview.width).toBeGreaterThan(1200);
  await page.keyboard.press('Control+Shift+H');
  await expect(page.getByTestId('toolbar')).toBeVisible();
});

test('copy and paste nodes between two tabs, as JSON on the clipboard', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openStudio(page);
  await page.getByRole('button', { name: 'Ember Weave' }).click();
  await page.locator('[data-node-id="osc1"] header').click();
  await page.keyboard.press('Control+c');
  const text = await page.evaluate(() => navigator.clipboard.readText());
  expect(JSON.parse(text)).toMatchObject({ kind: 'patchroom/fragment', nodes: [{ type: 'hydra-core/osc' }] });

  const other = await context.newPage();
  await other.goto('/studio/another-room');
  await expect(other.getByTestId('empty-state')).toBeVisible();
  await other.locator('[data-testid=editor]').click({ position: { x: 200, y: 100 } });
  await other.keyboard.press('Control+v');
  await expect(other.getByTestId('node')).toHaveCount(1);
  expect(await other.evaluate(() => window.patchroomStudio.patch().nodes[0]?.type)).toBe('hydra-core/osc');
});

test('the player never loads the code editor', async ({ page }) => {
  const scripts: string[] = [];
  page.on('request', (r) => {
    if (r.resourceType() === 'script' || r.url().endsWith('.js')) scripts.push(r.url());
  });
  await page.goto('/play');
  await expect(page.getByTestId('player')).toHaveAttribute('data-player-state', 'running', { timeout: 15_000 });
  expect(scripts.length).toBeGreaterThan(0);
  expect(scripts.filter((s) => /editor|monaco|CodeEditor|studio/i.test(s))).toEqual([]);
});
