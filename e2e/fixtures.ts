import { test as base, expect, type Page } from '@playwright/test';
import { PNG } from 'pngjs';

import type { FrameStats } from '../runtime/sandbox/protocol';

export type ProbeStats = FrameStats;

export interface PlayerEvent {
  name: string;
  correlation_id: string;
  preset_id?: string;
  error_kind?: string;
  error_message?: string;
  error_line?: number;
  phase?: string;
  [key: string]: unknown;
}

declare global {
  interface Window {
    patchroomPlayer: {
      state(): string;
      frames(): number;
      /** From the renderer's last heartbeat: no GPU read-back. */
      resources(): { textures: number; held: number; videoFrames: number; videos?: number } | null;
      events(): PlayerEvent[];
      /** When each program's first frame was drawn, ms since navigation. */
      firstFrames(): Array<{ name: string; at: number }>;
      probe(): Promise<ProbeStats | null>;
      presets(): Array<{ id: string; name: string; kind: string }>;
      current(): { index: number; name: string };
      select(index: number): Promise<{ ok: boolean }>;
      applyCode(code: string, name?: string): Promise<{ ok: boolean; error?: { kind: string; message: string; line?: number }; superseded?: boolean }>;
    };
  }
}

/** Console messages that are not errors of ours (none so far). */
const EXPECTED_CONSOLE: RegExp[] = [];

export const test = base.extend<{ consoleErrors: string[] }>({
  baseURL: async ({}, use) => {
    const url = process.env.PATCHROOM_URL;
    if (!url) throw new Error('PATCHROOM_URL is not set: the global setup did not start the server.');
    await use(url);
  },
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' && !EXPECTED_CONSOLE.some((re) => re.test(message.text()))) errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
      await use(errors);
    },
    { auto: true },
  ],
});

export { expect };

/** Opens the player and waits until it plays something. */
export async function openPlayer(page: Page, query = ''): Promise<void> {
  await page.goto(`/play${query}`);
  await waitForState(page, /running|recovered|fallback/);
}

export async function waitForState(page: Page, state: RegExp | string, timeout = 15_000): Promise<void> {
  await expect(page.getByTestId('player')).toHaveAttribute('data-player-state', state, { timeout });
}

/** Pixel statistics of the next frame, read inside the renderer right after drawing it. */
export async function probe(page: Page): Promise<ProbeStats> {
  const stats = await page.evaluate(() => window.patchroomPlayer.probe());
  if (!stats) throw new Error('The renderer did not answer the frame probe.');
  return stats;
}

/** What the user sees of the picture: a screenshot with the overlays hidden, summarised. */
export async function screenStats(page: Page): Promise<{ distinct: number; stddev: number }> {
  const png = PNG.sync.read(await page.screenshot({ style: '[data-testid=error-overlay], [data-testid=hud] { visibility: hidden !important; }' }));
  const colours = new Set<number>();
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let y = 0; y < png.height; y += 4) {
    for (let x = 0; x < png.width; x += 4) {
      const i = (y * png.width + x) * 4;
      const r = png.data[i]!;
      const g = png.data[i + 1]!;
      const b = png.data[i + 2]!;
      colours.add(((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3));
      const lum = 0.2126 * r + 0.7152 * g + 0.0722 * b;
      sum += lum;
      sumSq += lum * lum;
      n++;
    }
  }
  const mean = sum / n;
  return { distinct: colours.size, stddev: Math.sqrt(Math.max(0, sumSq / n - mean * mean)) };
}

/** A frame with content: several colours and visible contrast (a blank frame has one colour). */
export function expectNonBlank(stats: { distinct: number; stddev: number }, what = 'frame'): void {
  expect(stats.distinct, `${what}: distinct colours`).toBeGreaterThan(4);
  expect(stats.stddev, `${what}: brightness spread`).toBeGreaterThan(3);
}

/**
 * Waits until the screen shows a non-blank picture: a frame drawn in the renderer reaches the
 * screen a compositor frame or two later.
 */
export async function expectScreenNonBlank(page: Page, what = 'screen'): Promise<void> {
  await expect
    .poll(async () => {
      const stats = await screenStats(page);
      return stats.distinct > 4 && stats.stddev > 3 ? 'non-blank' : `blank (${stats.distinct} colours, spread ${stats.stddev.toFixed(1)})`;
    }, { message: what, timeout: 5000 })
    .toBe('non-blank');
}

export async function events(page: Page): Promise<PlayerEvent[]> {
  return page.evaluate(() => window.patchroomPlayer.events());
}

/** Waits until the renderer reports more frames than now: the picture is still being drawn. */
export async function expectFramesAdvance(page: Page): Promise<void> {
  const before = await page.evaluate(() => window.patchroomPlayer.frames());
  await expect.poll(() => page.evaluate(() => window.patchroomPlayer.frames()), { timeout: 5000 }).toBeGreaterThan(before + 2);
}
