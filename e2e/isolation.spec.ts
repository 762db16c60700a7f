import { expect, expectFramesAdvance, openPlayer, probe, test, waitForState } from './fixtures';

/**
 * Preset code is untrusted (share links, other performers). It runs in a worker started by an
 * `<iframe sandbox="allow-scripts">`: an opaque origin. These tests play the attacker.
 */

test.beforeEach(async ({ page, context, baseURL }) => {
  await context.addCookies([{ name: 'patchroom_session', value: 'secret-session-token', url: baseURL!, httpOnly: false, sameSite: 'Lax' }]);
  await openPlayer(page);
  await page.evaluate(() => localStorage.setItem('patchroom-secret', 'secret-local-value'));
});

/** Runs probing code in the sandbox; the code reports by throwing, the report comes back as the error. */
async function runProbe(page: import('@playwright/test').Page, body: string): Promise<Record<string, unknown>> {
  const result = await page.evaluate((code) => window.patchroomPlayer.applyCode(code, 'Probe'), `${body}\nthrow new Error('PROBE' + JSON.stringify(report))`);
  const message = result.error?.message ?? '';
  const json = message.slice(message.indexOf('PROBE') + 'PROBE'.length);
  return JSON.parse(json) as Record<string, unknown>;
}

test('preset code cannot read the app\'s cookies, storage or DOM', async ({ page }) => {
  const report = await runProbe(
    page,
    `const report = {};
     const attempt = (key, fn) => { try { report[key] = fn() } catch (e) { report[key] = 'threw ' + e.name } };
     attempt('origin', () => self.origin);
     attempt('document', () => typeof document);
     attempt('cookie', () => document.cookie);
     attempt('localStorage', () => localStorage.getItem('patchroom-secret'));
     attempt('sessionStorage', () => sessionStorage.length);
     attempt('indexedDB', () => { indexedDB.open('patchroom'); return 'opened' });
     attempt('caches', () => typeof caches === 'undefined' ? 'undefined' : String(caches.keys));
     attempt('parent', () => parent.document.title);
     attempt('top', () => top.location.href);
     attempt('body', () => { document.body.innerHTML = 'owned'; return 'wrote' });`,
  );
  expect(report.origin).toBe('null');
  expect(report.document).toBe('undefined');
  expect(String(report.cookie)).toMatch(/^threw/);
  expect(String(report.localStorage)).toMatch(/^threw/);
  expect(String(report.sessionStorage)).toMatch(/^threw/);
  expect(String(report.indexedDB)).toMatch(/^threw/);
  expect(['undefined', 'threw SecurityError']).toContain(report.caches);
  expect(String(report.parent)).toMatch(/^threw/);
  expect(String(report.top)).toMatch(/^threw/);
  expect(String(report.body)).toMatch(/^threw/);
  // And the page is untouched.
  expect(await page.evaluate(() => localStorage.getItem('patchroom-secret'))).toBe('secret-local-value');
  expect(await page.getByTestId('player').count()).toBe(1);
});

test('requests made by preset code carry no credentials of the viewer', async ({ page, baseURL }) => {
  const seen: Array<{ url: string; cookie: string | undefined; origin: string | undefined }> = [];
  page.context().on('request', async (request) => {
    if (!request.url().includes('credential-probe')) return;
    const headers = await request.allHeaders();
    seen.push({ url: request.url(), cookie: headers.cookie, origin: headers.origin });
  });

  // Control: the same request from the app itself carries the session cookie, so the check can fail.
  await page.evaluate((url) => fetch(`${url}/healthz?credential-probe=app`, { credentials: 'include' }), baseURL!);
  await expect.poll(() => seen.find((s) => s.url.endsWith('=app'))?.cookie).toContain('secret-session-token');

  const result = await page.evaluate(
    (code) => window.patchroomPlayer.applyCode(code, 'Exfiltrate'),
    `fetch('${baseURL}/healthz?credential-probe=preset', { credentials: 'include' }).catch(() => {})\nosc(10).out()`,
  );
  expect(result.ok).toBe(true);
  await expect.poll(() => seen.some((s) => s.url.endsWith('=preset'))).toBe(true);
  const fromPreset = seen.find((s) => s.url.endsWith('=preset'))!;
  expect(fromPreset.cookie ?? '').not.toContain('secret-session-token');
  // A cross-origin request from the opaque origin says so, when the browser reports the header.
  expect([undefined, 'null']).toContain(fromPreset.origin);
});

test('preset code cannot navigate or replace the page', async ({ page }) => {
  const url = page.url();
  const title = await page.title();
  const result = await page.evaluate(
    (code) => window.patchroomPlayer.applyCode(code, 'Navigator'),
    `try { location.href = 'https://example.com/' } catch (e) {}
     try { self.location = 'https://example.com/' } catch (e) {}
     try { postMessage({ t: 'restart', reason: 'spoof' }) } catch (e) {}
     try { self.dispatchEvent(new MessageEvent('message', { data: { t: 'apply', id: 999, code: 'solid(1,0,0).out()', async: false, mode: 'replace' } })) } catch (e) {}
     osc(12, 0.1, 1).out()`,
  );
  expect(result.ok).toBe(true);
  await waitForState(page, 'running');
  expect(page.url()).toBe(url);
  expect(await page.title()).toBe(title);
  const frame = page.getByTestId('renderer-frame');
  await expect(frame).toHaveAttribute('sandbox', 'allow-scripts');
  // The spoofed apply of a red frame was ignored.
  const stats = await probe(page);
  expect(stats.distinct).toBeGreaterThan(12);
});

test('the renderer iframe itself is cut off from the page', async ({ page, baseURL }) => {
  const sandbox = page.frames().find((f) => f.url().includes('/sandbox/frame.html'));
  expect(sandbox).toBeDefined();
  const seen = await sandbox!.evaluate(() => {
    const attempt = (fn: () => unknown) => {
      try {
        return String(fn());
      } catch (e) {
        return `threw ${(e as Error).name}`;
      }
    };
    return {
      origin: self.origin,
      parentDocument: attempt(() => parent.document.title),
      cookie: attempt(() => document.cookie),
      storage: attempt(() => localStorage.length),
    };
  });
  expect(seen.origin).toBe('null');
  expect(seen.parentDocument).toMatch(/^threw/);
  expect(seen.cookie).toMatch(/^threw/);
  expect(seen.storage).toMatch(/^threw/);
  const response = await page.request.get(`${baseURL}/sandbox/frame.html`);
  expect(response.headers()['content-security-policy']).toBe('sandbox allow-scripts');
});

test('replacing a program releases its timers, textures and listeners', async ({ page }) => {
  const clean = 'osc(20, 0, 1.5).kaleid(5).out()';
  expect(await page.evaluate((c) => window.patchroomPlayer.applyCode(c, 'Clean'), clean)).toEqual({ ok: true });
  const baseline = await probe(page);
  expect(baseline.held).toBe(0);

  // A program that allocates: textures on every source, a timer that keeps drawing red, listeners.
  const greedy = `
    s0.initCanvas(64, 64).fillRect(0, 0, 32, 32)
    s1.init({ src: new OffscreenCanvas(32, 32) })
    s2.initCanvas(16, 16)
    setInterval(() => solid(1, 0, 0).out(), 20)
    setTimeout(() => solid(1, 0, 0).out(), 400)
    requestAnimationFrame(function again() { requestAnimationFrame(again) })
    addEventListener('message', () => {})
    src(s0).blend(src(s1)).out()`;
  for (let i = 0; i < 5; i++) {
    expect(await page.evaluate((c) => window.patchroomPlayer.applyCode(c, 'Greedy'), greedy)).toEqual({ ok: true });
    const held = await probe(page);
    expect(held.held).toBeGreaterThan(4);
    expect(await page.evaluate((c) => window.patchroomPlayer.applyCode(c, 'Clean'), clean)).toEqual({ ok: true });
  }
  const after = await probe(page);
  expect(after.held, 'things the running program holds').toBe(0);
  expect(after.textures, 'live GPU textures').toBe(baseline.textures);
  // The greedy program's interval would paint red: the clean picture stays exactly the same.
  for (let i = 0; i < 3; i++) {
    await expectFramesAdvance(page);
    expect((await probe(page)).signature).toBe(baseline.signature);
  }
});

test('a preset starts from clean outputs, whatever played before it', async ({ page }) => {
  expect(await page.evaluate(() => window.patchroomPlayer.applyCode('solid(1, 1, 1).out()\nsolid(1, 0, 0).out(o1)', 'White'))).toEqual({ ok: true });
  expect((await probe(page)).mean).toBeGreaterThan(250);
  // Pure feedback: shows only what its outputs already hold.
  expect(await page.evaluate(() => window.patchroomPlayer.applyCode('src(o0).out()', 'Echo'))).toEqual({ ok: true });
  expect((await probe(page)).mean).toBe(0);
  expect(await page.evaluate(() => window.patchroomPlayer.applyCode('src(o1).out()', 'Echo o1'))).toEqual({ ok: true });
  expect((await probe(page)).mean).toBe(0);
});

test('sketches keep their globals to themselves: nothing leaks onto the page', async ({ page }) => {
  const result = await page.evaluate(() =>
    window.patchroomPlayer.applyCode('leaked = 42\nvar alsoLeaked = 1\nspeed = 2\nosc(10).out()', 'Globals'),
  );
  expect(result).toEqual({ ok: true });
  const onPage = await page.evaluate(() => {
    const w = window as unknown as Record<string, unknown>;
    return ['leaked', 'alsoLeaked', 'osc', 'o0', 'src', 'time', 'speed', 'render', 'hush', 'a'].filter((name) => name in w);
  });
  expect(onPage).toEqual([]);
});
