import type { Page } from '@playwright/test';
import { expect, type ProbeStats } from './fixtures';

/** What the studio exposes to tests on `window` (studio/app/main.tsx). */
declare global {
  interface Window {
    patchroomStudio: {
      patch(): { nodes: Array<{ id: string; type: string; params?: Record<string, unknown> }>; edges: Array<{ from: { node: string; port: string }; to: { node: string; port: string } }> };
      code(): string;
      run(): { status: string; error?: { message: string; line?: number } };
      mode(): string;
      probe(): Promise<ProbeStats | null>;
    };
  }
}

/** Opens the local studio and waits until its preview runs something. */
export async function openStudio(page: Page) {
  await page.goto('/studio');
  await expect(page.getByTestId('studio')).toBeVisible();
  await expect.poll(() => page.evaluate(() => window.patchroomStudio?.run().status)).toMatch(/running|recovered|fallback/);
}

/** Adds a node the keyboard way: pointer over the editor, Space, type, Enter. */
export async function addNode(page: Page, query: string, at: { x: number; y: number }) {
  await page.mouse.move(at.x, at.y);
  await page.keyboard.press('Space');
  await expect(page.getByTestId('palette')).toBeVisible();
  await page.getByTestId('palette-search').fill(query);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('palette')).toBeHidden();
}

export function socket(page: Page, node: string, side: 'input' | 'output', port: string) {
  return page.locator(`[data-node-id="${node}"] [data-port="${port}"] .${side}-socket`);
}

/** Drags from an output socket to an input socket with the mouse. */
export async function connect(page: Page, from: [string, string], to: [string, string]) {
  const a = await socket(page, from[0], 'output', from[1]).boundingBox();
  const b = await socket(page, to[0], 'input', to[1]).boundingBox();
  if (!a || !b) throw new Error(`socket not found: ${from.join('.')} → ${to.join('.')}`);
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
  await page.mouse.up();
}
