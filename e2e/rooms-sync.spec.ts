import type { APIRequestContext, Browser, BrowserContext, Page } from '@playwright/test';
import { expect, test } from './fixtures';

/**
 * Live rooms against the real built server: two performers in two browsers patch one room, a queue
 * command made offline is kept and sent once, and the audience's player follows the patch.
 */
test.use({ viewport: { width: 1280, height: 720 } });
// Two or three browsers at once, each with a software-rendered preview.
test.beforeEach(() => test.slow());

const PASSWORD = 'correct horse battery';
const WRITE = { 'X-Patchroom-CSRF': '1' };
const uniqueName = (prefix: string) => `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

declare global {
  interface Window {
    patchroomRoom?: { status(): { state: string }; patch(): { nodes: Array<{ id: string; params?: Record<string, unknown> }> } | undefined; code(): string | undefined };
  }
}

interface StudioWindow {
  patchroomStudio: {
    patch(): { nodes: Array<{ id: string; type: string; params?: Record<string, unknown> }> };
    code(): string;
    sync(): { mode: string; role?: string; status?: { state: string; pending: number }; queue: Array<{ itemId: string }>; pending: unknown[] };
  };
}

async function post<T>(request: APIRequestContext, path: string, data: unknown): Promise<T> {
  const response = await request.post(path, { data, headers: WRITE });
  expect(response.ok(), `${path}: ${response.status()} ${await response.text()}`).toBe(true);
  return (await response.json()) as T;
}

/** A browser of its own with a signed-up account (cookies in the context), watched for console errors. */
async function person(browser: Browser, name: string, viewport = { width: 1280, height: 720 }) {
  const context = await browser.newContext({ baseURL: process.env.PATCHROOM_URL!, viewport });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  if (name) await post(context.request, '/api/auth/register', { username: name, password: PASSWORD });
  return { context, page, errors };
}

/** An owner's public room with a second account invited as performer. */
async function roomWithTwoPerformers(browser: Browser) {
  const a = await person(browser, uniqueName('perfa'));
  const b = await person(browser, uniqueName('perfb'));
  const { room } = await post<{ room: { id: string } }>(a.context.request, '/api/rooms', { name: 'Sync jam', visibility: 'public' });
  const { token } = await post<{ token: string }>(a.context.request, `/api/rooms/${room.id}/invites`, { role: 'performer' });
  await post(b.context.request, '/api/rooms/join', { token });
  return { a, b, roomId: room.id };
}

async function openLiveStudio(page: Page, roomId: string) {
  await page.goto(`/studio/${roomId}`);
  await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'connected', { timeout: 20_000 });
}

const studio = (page: Page) => page.evaluate(() => (window as unknown as StudioWindow).patchroomStudio.patch());
const syncState = (page: Page) => page.evaluate(() => (window as unknown as StudioWindow).patchroomStudio.sync());
/** "room performer" once the studio has joined the live room with that role. */
const joinedAs = async (page: Page) => {
  const { mode, role } = await syncState(page);
  return `${mode} ${role}`;
};

async function addNode(page: Page, query: string) {
  const box = (await page.getByTestId('editor').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.keyboard.press('Space');
  await expect(page.getByTestId('palette')).toBeVisible();
  await page.getByTestId('palette-search').fill(query);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('palette')).toBeHidden();
}

async function closeAll(...contexts: BrowserContext[]) {
  for (const c of contexts) await c.close();
}

test('two performers patch one room and see each other’s edits; presence shows who edits what', async ({ browser }) => {
  const { a, b, roomId } = await roomWithTwoPerformers(browser);
  await openLiveStudio(a.page, roomId);
  await openLiveStudio(b.page, roomId);

  // A starts from a starter patch: every node of it appears in B.
  await a.page.locator('.pr-starters button').first().click();
  const nodeCount = (await studio(a.page)).nodes.length;
  expect(nodeCount).toBeGreaterThan(2);
  await expect(b.page.getByTestId('node')).toHaveCount(nodeCount);

  // A adds a node: B sees it, with A's id (made unique per performer).
  await addNode(a.page, 'noise');
  const added = (await studio(a.page)).nodes.find((n) => n.type === 'hydra-core/noise' && /-[0-9a-z]{4}$/.test(n.id));
  expect(added, 'the added node').toBeTruthy();
  await expect(b.page.locator(`[data-testid=node][data-node-id="${added!.id}"]`)).toBeVisible();

  // B changes a parameter: A's patch, and the code A's preview runs, follow.
  const osc = (await studio(b.page)).nodes.find((n) => n.type === 'hydra-core/osc')!;
  const field = b.page.getByTestId(`param-${osc.id}-frequency`);
  await field.fill('37.5');
  await field.press('Enter');
  await expect.poll(async () => (await studio(a.page)).nodes.find((n) => n.id === osc.id)?.params?.frequency).toBe(37.5);
  await expect.poll(() => a.page.evaluate(() => (window as unknown as StudioWindow).patchroomStudio.code())).toContain('37.5');

  // Presence: each sees the other, and A sees which node B has selected.
  await expect(a.page.getByTestId('presence-peer')).toHaveCount(1);
  await expect(a.page.getByTestId('presence-peer')).toHaveAttribute('data-role', 'performer');
  await b.page.locator(`[data-testid=node][data-node-id="${osc.id}"] header`).click();
  await expect(a.page.locator(`[data-testid=node][data-node-id="${osc.id}"]`)).toHaveAttribute('data-edited-by', /perfb/);

  expect(a.errors).toEqual([]);
  expect(b.errors).toEqual([]);
  await closeAll(a.context, b.context);
});

test('a viewer the owner promotes can patch at once, without reloading; everyone sees the new role', async ({ browser }) => {
  const a = await person(browser, uniqueName('owner'));
  const b = await person(browser, uniqueName('watcher'));
  const { room } = await post<{ room: { id: string } }>(a.context.request, '/api/rooms', { name: 'Promotion', visibility: 'private' });
  const { token } = await post<{ token: string }>(a.context.request, `/api/rooms/${room.id}/invites`, { role: 'viewer' });
  await post(b.context.request, '/api/rooms/join', { token });
  const me = await b.context.request.get('/api/auth/session').then((r) => r.json() as Promise<{ user: { id: string } }>);
  await openLiveStudio(a.page, room.id);
  await openLiveStudio(b.page, room.id);
  await a.page.locator('.pr-starters button').first().click();
  const nodeCount = (await studio(a.page)).nodes.length;
  await expect(b.page.getByTestId('node')).toHaveCount(nodeCount);
  await expect(b.page.getByTestId('room-button')).toHaveAttribute('data-role', 'viewer');
  await expect(a.page.getByTestId('presence-peer')).toHaveAttribute('data-role', 'viewer');

  /** The owner sets B's role (as the Room dialog does): B's studio follows with no reload, told by a toast; A sees it too. */
  const setRole = async (role: 'performer' | 'viewer', toast: string) => {
    const answer = await a.context.request.patch(`/api/rooms/${room.id}/members/${me.user.id}`, { data: { role }, headers: WRITE });
    expect(answer.status()).toBe(200);
    await expect(b.page.getByTestId('toast').filter({ hasText: toast })).toBeVisible();
    await expect(b.page.getByTestId('room-button')).toHaveAttribute('data-role', role);
    // Joined again with the new rights (not just connected: the patch is bound once the join is done).
    await expect.poll(() => joinedAs(b.page), { timeout: 20_000 }).toBe(`room ${role}`);
    await expect(a.page.getByTestId('presence-peer')).toHaveAttribute('data-role', role);
  };

  await setRole('performer', 'You are now a performer in this room');
  await addNode(b.page, 'noise');
  const added = (await studio(b.page)).nodes.find((n) => n.type === 'hydra-core/noise' && /-[0-9a-z]{4}$/.test(n.id));
  expect(added, 'the node B added').toBeTruthy();
  await expect(a.page.locator(`[data-testid=node][data-node-id="${added!.id}"]`)).toBeVisible();

  // And back: B watches again, read-only.
  await setRole('viewer', 'You now watch this room (read-only)');

  expect(a.errors).toEqual([]);
  expect(b.errors).toEqual([]);
  await closeAll(a.context, b.context);
});

test('a signed-out visitor of a room’s studio is offered sign-in there, and the studio joins live once signed in', async ({ browser }) => {
  const owner = await person(browser, uniqueName('owner'));
  const { room } = await post<{ room: { id: string } }>(owner.context.request, '/api/rooms', { name: 'Open jam', visibility: 'public' });
  const visitor = await person(browser, '');
  await visitor.page.goto(`/studio/${room.id}`);
  const status = visitor.page.getByTestId('sync-status');
  await expect(status).toHaveAttribute('data-state', 'local');
  await expect(status).toContainText('sign in to join this room live');

  await visitor.page.getByTestId('sync-sign-in').click();
  await visitor.page.getByTestId('account-tab-sign-up').click();
  await visitor.page.getByTestId('account-username').fill(uniqueName('visitor'));
  await visitor.page.getByTestId('account-password').fill(PASSWORD);
  await visitor.page.getByTestId('account-submit').click();
  await expect(visitor.page.getByTestId('account-dialog')).toBeHidden();
  // No reload: the studio joins the room as soon as the account is there.
  await expect(status).toHaveAttribute('data-state', 'connected', { timeout: 20_000 });
  expect(await joinedAs(visitor.page)).toBe('room viewer');
  await expect(visitor.page.getByTestId('sync-sign-in')).toHaveCount(0);
  expect(visitor.errors).toEqual([]);
  await closeAll(owner.context, visitor.context);
});

test('a queue command made offline shows as pending, is sent on reconnect and appears once', async ({ browser }) => {
  const { a, b, roomId } = await roomWithTwoPerformers(browser);
  const title = uniqueName('Offline clip ');
  const { item } = await post<{ item: { id: string } }>(b.context.request, '/api/library/media', { title, url: `https://example.org/${uniqueName('v')}.mp4`, mimeType: 'video/mp4', duration: 12 });
  await openLiveStudio(a.page, roomId);
  await openLiveStudio(b.page, roomId);
  await expect(b.page.getByTestId('queue-empty')).toBeVisible();

  // B finds the clip in the library, then the network goes.
  await b.page.keyboard.press('l');
  await b.page.getByTestId('library-search').fill(title);
  const row = b.page.locator(`[data-testid=library-item][data-item-id="${item.id}"]`).locator('xpath=..');
  await expect(row).toBeVisible();
  // The studio has finished loading (the code editor comes in a chunk of its own) before the network goes.
  await expect(b.page.locator('.monaco-editor').first()).toBeVisible({ timeout: 20_000 });
  await b.context.setOffline(true);
  await expect(b.page.getByTestId('sync-status')).toHaveAttribute('data-state', /offline|reconnecting/);

  await row.getByTestId('library-queue-add').click();
  await expect(b.page.getByTestId('queue-pending')).toHaveCount(1);
  await expect(b.page.getByTestId('sync-pending')).toHaveText(/1 pending/);
  // Not sent: the other performer's queue is still empty.
  await expect(a.page.getByTestId('queue-empty')).toBeVisible();

  await b.context.setOffline(false);
  await expect(b.page.getByTestId('sync-status')).toHaveAttribute('data-state', 'connected', { timeout: 20_000 });
  await expect(b.page.getByTestId('queue-pending')).toHaveCount(0, { timeout: 20_000 });
  for (const page of [a.page, b.page]) {
    await expect(page.locator(`[data-testid=queue-entry][data-item-id="${item.id}"]`)).toHaveCount(1);
  }
  await expect(b.page.getByTestId('sync-pending')).toHaveCount(0);
  // Once, for good: the room state holds one entry for it after the dust settles.
  await expect.poll(async () => (await syncState(b.page)).queue.filter((e) => e.itemId === item.id).length).toBe(1);
  expect((await syncState(a.page)).queue.filter((e) => e.itemId === item.id)).toHaveLength(1);

  // Offline again, a second clip queued, the tab closed before the network is back: the next
  // page of this browser finds the command in its outbox (IndexedDB), sends it, and it lands once.
  await b.context.setOffline(true);
  await expect(b.page.getByTestId('sync-status')).toHaveAttribute('data-state', /offline|reconnecting/);
  await row.getByTestId('library-queue-add').click();
  await expect(b.page.getByTestId('queue-pending')).toHaveCount(1);
  await b.page.close();
  await b.context.setOffline(false);
  const again = await b.context.newPage();
  again.on('pageerror', (e) => b.errors.push(`pageerror: ${e.message}`));
  await openLiveStudio(again, roomId);
  for (const page of [a.page, again]) {
    await expect(page.locator(`[data-testid=queue-entry][data-item-id="${item.id}"]`)).toHaveCount(2, { timeout: 20_000 });
  }
  await expect(again.getByTestId('queue-pending')).toHaveCount(0);

  expect(a.errors).toEqual([]);
  // The offline attempt may log the browser's own failed-request lines; nothing else.
  expect(b.errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to load resource|WebSocket connection/.test(e))).toEqual([]);
  await closeAll(a.context, b.context);
});

test('the audience’s player follows a patch edit, without an account', async ({ browser }) => {
  const { a, b, roomId } = await roomWithTwoPerformers(browser);
  await b.context.close();
  await openLiveStudio(a.page, roomId);
  await a.page.locator('.pr-starters button').first().click();
  const osc = (await studio(a.page)).nodes.find((n) => n.type === 'hydra-core/osc')!;

  const audience = await person(browser, '', { width: 320, height: 180 });
  const scripts: string[] = [];
  audience.page.on('request', (r) => (r.resourceType() === 'script' || r.url().endsWith('.js')) && scripts.push(r.url()));
  await audience.page.goto(`/play/${roomId}`);
  await expect(audience.page.getByTestId('player')).toHaveAttribute('data-player-state', /running|recovered/, { timeout: 20_000 });
  await expect.poll(() => audience.page.evaluate(() => window.patchroomRoom?.patch()?.nodes.length ?? 0)).toBe((await studio(a.page)).nodes.length);
  await expect(audience.page.getByTestId('connection')).toBeHidden();

  const field = a.page.getByTestId(`param-${osc.id}-frequency`);
  await field.fill('23.25');
  await field.press('Enter');
  await expect.poll(() => audience.page.evaluate(() => window.patchroomRoom?.code() ?? '')).toContain('23.25');
  await expect(audience.page.getByTestId('player')).toHaveAttribute('data-player-state', /running|recovered/);

  // A performer shows a library preset in the room: the player switches to it, and back.
  await a.page.getByTestId('library-button').click();
  await a.page.getByTestId('library-search').fill('ember weave');
  const preset = a.page.locator('[data-testid=library-item][data-item-id="s_ember-weave"]').locator('xpath=..');
  await preset.getByTestId('library-show-in-room').click();
  await expect.poll(() => audience.page.evaluate(() => (window as unknown as { patchroomRoom: { presetProgram(): string | undefined } }).patchroomRoom.presetProgram())).toBe('Ember Weave');
  await expect(a.page.getByTestId('room-preset')).toHaveText('Ember Weave');
  await a.page.getByTestId('room-show-patch').click();
  await expect.poll(() => audience.page.evaluate(() => window.patchroomRoom?.code() ?? '')).toContain('23.25');

  // What plays shows as a small caption; the player never loaded editor code.
  const { item } = await post<{ item: { id: string } }>(a.context.request, '/api/library/media', { title: 'Caption clip', url: `https://example.org/${uniqueName('c')}.mp4`, mimeType: 'video/mp4' });
  await a.page.getByTestId('library-search').fill('Caption clip');
  await a.page.locator(`[data-testid=library-item][data-item-id="${item.id}"]`).locator('xpath=..').getByTestId('library-queue-add').click();
  await a.page.getByTestId('queue-play-now').click();
  await expect(audience.page.getByTestId('now-playing')).toHaveText('Now playing: Caption clip');
  expect(scripts.filter((u) => /editor|monaco|CodeEditor|studio|rete/i.test(u))).toEqual([]);

  // The network drops: a small indicator, the picture goes on; an edit made meanwhile arrives when it is back.
  await audience.context.setOffline(true);
  await expect(audience.page.getByTestId('connection')).toBeVisible();
  await field.fill('11.5');
  await field.press('Enter');
  await audience.context.setOffline(false);
  await expect(audience.page.getByTestId('connection')).toBeHidden({ timeout: 20_000 });
  await expect.poll(() => audience.page.evaluate(() => window.patchroomRoom?.code() ?? ''), { timeout: 20_000 }).toContain('11.5');
  await expect(audience.page.getByTestId('player')).toHaveAttribute('data-player-state', /running|recovered/);
  const socketEvents = await audience.page.evaluate(() => window.patchroomPlayer.events().filter((e) => e.name.startsWith('socket_')).map((e) => e.name));
  expect(socketEvents).toEqual(expect.arrayContaining(['socket_connect', 'socket_disconnect', 'socket_reconnect', 'socket_resync']));

  expect(a.errors).toEqual([]);
  // While offline the browser itself logs the failed reconnect attempts; nothing else.
  expect(audience.errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to load resource|WebSocket connection/.test(e))).toEqual([]);
  await closeAll(a.context, audience.context);
});

test('the queue: drag media from the library, reorder by drag, skip what plays', async ({ browser }) => {
  const a = await person(browser, uniqueName('dj'));
  const { room } = await post<{ room: { id: string } }>(a.context.request, '/api/rooms', { name: 'Queue set' });
  const tag = uniqueName('q');
  const ids: string[] = [];
  for (const title of ['First clip', 'Second clip']) {
    const { item } = await post<{ item: { id: string } }>(a.context.request, '/api/library/media', { title: `${title} ${tag}`, url: `https://example.org/${uniqueName('m')}.mp4`, mimeType: 'video/mp4', tags: [tag] });
    ids.push(item.id);
  }
  await openLiveStudio(a.page, room.id);
  await a.page.getByTestId('library-button').click();
  await a.page.getByTestId('library-search').fill(tag);
  const libraryItem = (id: string) => a.page.locator(`[data-testid=library-item][data-item-id="${id}"]`);
  await expect(libraryItem(ids[1]!)).toBeVisible();

  await libraryItem(ids[0]!).dragTo(a.page.getByTestId('queue'));
  await expect(a.page.getByTestId('queue-entry')).toHaveCount(1);
  await libraryItem(ids[1]!).dragTo(a.page.getByTestId('queue'));
  const order = () => a.page.getByTestId('queue-entry').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.itemId));
  await expect.poll(order).toEqual(ids);

  // The second entry dropped on the first: it goes before it.
  const entries = a.page.getByTestId('queue-entry');
  await entries.nth(1).dragTo(entries.nth(0));
  await expect.poll(order).toEqual([ids[1], ids[0]]);

  // Play the first now, then skip it: the other one plays.
  await a.page.getByTestId('queue-play-now').first().click();
  await expect(a.page.getByTestId('now-playing-title')).toHaveText(`Second clip ${tag}`);
  await a.page.getByTestId('queue-skip').click();
  await expect(a.page.getByTestId('now-playing-title')).toHaveText(`First clip ${tag}`);
  await expect(a.page.getByTestId('queue-empty')).toBeVisible();
  expect(a.errors).toEqual([]);
  await a.context.close();
});
