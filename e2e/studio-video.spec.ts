import type { Page } from '@playwright/test';
import { startFakeUpstream, type FakeUpstream } from '../plugins/media-proxy/test-support/fake-upstream';
import { expect, expectNonBlank, test } from './fixtures';
import { addNode, connect, openStudio } from './studio-page';

/** The video input node in the studio: it compiles to s0.initVideo + src(s0), and its body says how the video is doing. */
test.use({ viewport: { width: 1280, height: 720 } });

let upstream: FakeUpstream;
test.beforeAll(async () => {
  upstream = await startFakeUpstream();
});
test.afterAll(async () => {
  await upstream?.close();
});

async function setUrl(page: Page, node: string, url: string) {
  const field = page.getByTestId(`param-${node}-url`);
  await field.fill(url);
  await field.press('Control+Enter');
}

test('a video node plays its URL through the proxy and shows its state, a stall, and why a missing file fails', async ({ page, consoleErrors }) => {
  // Three videos, one of them stalling on purpose for 12 s: more than the default 60 s on a loaded machine.
  test.setTimeout(120_000);
  await openStudio(page);
  const box = (await page.getByTestId('editor').boundingBox())!;
  await addNode(page, 'video', { x: box.x + 160, y: box.y + 200 });
  await addNode(page, 'out', { x: box.x + 520, y: box.y + 200 });
  await expect.poll(() => page.evaluate(() => window.patchroomStudio.patch().nodes.map((n) => n.type).sort())).toEqual(['hydra-core/out', 'video-input/video']);
  const video = (await page.evaluate(() => window.patchroomStudio.patch().nodes.find((n) => n.type === 'video-input/video')!.id))!;
  const state = page.locator(`[data-node-id="${video}"] [data-testid=video-state]`);

  const url = upstream.url('moov-at-end.mp4');
  await setUrl(page, video, url);
  await connect(page, [video, 'out'], ['out1', 'in']);
  await expect.poll(() => page.evaluate(() => window.patchroomStudio.code())).toBe(`s0.initVideo(${JSON.stringify(url)})\n\nsrc(s0)\n  .out()\n`);
  await expect(state).toHaveAttribute('data-state', 'playing', { timeout: 20_000 });
  await expect(state).toContainText(/s0: playing · first frame in \d+ ms/);
  const stats = await page.evaluate(() => window.patchroomStudio.probe());
  expectNonBlank(stats!, 'the video in the preview');
  expect(consoleErrors).toEqual([]);

  // The host goes quiet mid-file for 12 s (about 8 s after the data ran out): the node says so, then plays on.
  const pausing = upstream.url('long.mp4', { fault: 'pause', delay: 12_000 });
  await setUrl(page, video, pausing);
  await expect(state).toHaveAttribute('data-state', 'stalled', { timeout: 20_000 });
  await expect(state).toContainText('s0: stalled (no new frame for 3 s)');
  await expect(state).toHaveAttribute('data-state', 'playing', { timeout: 20_000 });

  const missing = upstream.url('gone.mp4');
  await setUrl(page, video, missing);
  await expect(state).toHaveAttribute('data-state', 'error', { timeout: 20_000 });
  await expect(state).toHaveAttribute('data-error-class', 'upstream_http_error');
  await expect(state).toContainText("the video's server answered HTTP 404");
  // The browser logs the failed requests themselves (the video's, and the proxy diagnosis); nothing else.
  for (const error of consoleErrors) expect(error).toMatch(/status of 404/);
});
