import type { Browser, Page } from '@playwright/test';
import { expect, test } from './fixtures';

test.use({ viewport: { width: 1280, height: 720 } });

const PASSWORD = 'correct horse battery';
/** Unique per run: the e2e server's data dir lives for the whole suite. */
const uniqueName = (prefix: string) => `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

async function openStudio(page: Page, path = '/studio') {
  await page.goto(path);
  await expect(page.getByTestId('studio')).toBeVisible();
  // The account check has answered (the button leaves its loading state).
  await expect(page.getByTestId('account-button').or(page.getByTestId('account-menu-button'))).toBeEnabled();
}

/** Fills the open account dialog the keyboard way: focus starts in the first field, Enter submits. */
async function fillAccountForm(page: Page, name: string, password = PASSWORD) {
  await expect(page.getByTestId('account-username')).toBeFocused();
  await page.keyboard.type(name);
  await page.keyboard.press('Tab');
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
}

async function signUp(page: Page, name: string) {
  await page.getByTestId('account-button').click();
  await page.getByTestId('account-tab-sign-up').click();
  await page.getByTestId('account-username').focus();
  await fillAccountForm(page, name);
  await expect(page.getByTestId('account-menu-button')).toHaveText(`${name} ▾`);
  await expect(page.getByTestId('account-dialog')).toBeHidden();
}

/** A second browser (its own cookies), with the same console-error watch as the fixture's page. */
async function secondBrowser(browser: Browser) {
  const context = await browser.newContext({ baseURL: process.env.PATCHROOM_URL!, viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return { context, page, errors };
}

async function openRoomDialog(page: Page) {
  await page.getByTestId('room-button').click();
  await expect(page.getByTestId('room-dialog')).toBeVisible();
  await expect(page.getByTestId('my-role')).toBeVisible();
}

async function closeDialog(page: Page, testId: string) {
  await page.keyboard.press('Escape');
  await expect(page.getByTestId(testId)).toBeHidden();
}

test('sign up, reload, create a room, invite a viewer who joins, change roles, sign out', async ({ page, browser, consoleErrors }) => {
  // Two browsers, each joining the live room (sync, Automerge's wasm) on a shared, busy machine.
  test.slow();
  const owner = uniqueName('own');
  await openStudio(page);
  await expect(page.getByTestId('account-button')).toHaveText('Sign in');
  await signUp(page, owner);

  await page.reload();
  await expect(page.getByTestId('account-menu-button')).toHaveText(`${owner} ▾`);

  // Create a room: the studio moves to it.
  await page.getByTestId('rooms-button').click();
  await expect(page.getByTestId('room-name')).toBeFocused();
  await page.getByTestId('room-name').fill('Friday set');
  await page.getByTestId('create-room').click();
  await page.waitForURL(/\/studio\/[A-Za-z0-9_-]{12}$/);
  const roomId = new URL(page.url()).pathname.split('/').pop()!;
  await expect(page.getByTestId('room-button')).toContainText('Friday set');
  await expect(page.getByTestId('room-button')).toHaveAttribute('data-role', 'owner');

  // The room: audience link, owner controls, a viewer invite.
  await openRoomDialog(page);
  await expect(page.getByTestId('my-role')).toHaveText('owner');
  await expect(page.getByTestId('audience-link')).toHaveValue(new RegExp(`/play/${roomId}$`));
  await expect(page.getByTestId('room-settings')).toBeVisible();
  await page.getByTestId('invite-role-select').selectOption('viewer');
  await page.getByTestId('invite-create').click();
  const link = await page.getByTestId('invite-link').inputValue();
  expect(link).toMatch(/\/studio#invite=[A-Za-z0-9_-]{20,}$/);
  await expect(page.getByTestId('invite-row')).toHaveCount(1);
  await closeDialog(page, 'room-dialog');

  // A second person opens the link: preview first, sign up, come back to the invite, join.
  const guest = await secondBrowser(browser);
  const viewer = uniqueName('view');
  await guest.page.goto(link);
  await expect(guest.page.getByTestId('invite-room-name')).toHaveText('Friday set');
  await expect(guest.page.getByTestId('invite-role')).toHaveText('viewer');
  expect(new URL(guest.page.url()).hash).toBe('');
  await guest.page.getByTestId('sign-in-first').getByRole('button', { name: 'Create an account' }).click();
  await fillAccountForm(guest.page, viewer);
  await expect(guest.page.getByTestId('account-menu-button')).toHaveText(`${viewer} ▾`);
  await expect(guest.page.getByTestId('invite-role')).toHaveText('viewer');
  await guest.page.getByTestId('invite-join').click();
  await guest.page.waitForURL(new RegExp(`/studio/${roomId}$`));

  // The viewer sees the room read-only.
  await expect(guest.page.getByTestId('room-button')).toHaveAttribute('data-role', 'viewer');
  await openRoomDialog(guest.page);
  await expect(guest.page.getByTestId('my-role')).toHaveText('viewer');
  await expect(guest.page.getByTestId('member-row')).toHaveCount(2);
  await expect(guest.page.getByTestId('member-row').filter({ hasText: owner }).getByTestId('member-role')).toHaveText('owner');
  await expect(guest.page.getByTestId('member-role-select')).toHaveCount(0);
  await expect(guest.page.getByTestId('room-settings')).toHaveCount(0);
  await expect(guest.page.getByTestId('invites')).toHaveCount(0);
  await expect(guest.page.getByTestId('member-remove')).toHaveText(['Leave']);
  await closeDialog(guest.page, 'room-dialog');

  // The owner makes them a performer; the change is there after reopening, for both.
  await openRoomDialog(page);
  const row = page.getByTestId('member-row').filter({ hasText: viewer });
  await expect(row.getByTestId('member-role-select')).toHaveValue('viewer');
  await row.getByTestId('member-role-select').selectOption('performer');
  await expect(row).not.toHaveAttribute('aria-busy', 'true');
  await closeDialog(page, 'room-dialog');
  await openRoomDialog(page);
  await expect(page.getByTestId('member-row').filter({ hasText: viewer }).getByTestId('member-role-select')).toHaveValue('performer');
  await closeDialog(page, 'room-dialog');

  await openRoomDialog(guest.page);
  await expect(guest.page.getByTestId('my-role')).toHaveText('performer');
  await expect(guest.page.getByTestId('room-settings')).toHaveCount(0);
  await expect(guest.page.getByTestId('invite-role-select')).toBeDisabled();
  await expect(guest.page.getByTestId('invite-role-select')).toHaveValue('viewer');
  await closeDialog(guest.page, 'room-dialog');

  // The joined room is in the viewer's list with its role.
  await guest.page.getByTestId('account-menu-button').click();
  await guest.page.getByRole('menuitem', { name: 'My rooms' }).click();
  await expect(guest.page.locator(`[data-testid=room-row][data-room-id="${roomId}"]`)).toContainText('performer');
  await closeDialog(guest.page, 'rooms-dialog');

  // Sign out: the toolbar says so, and a reload agrees.
  await page.getByTestId('account-menu-button').click();
  await page.getByTestId('sign-out').click();
  await expect(page.getByTestId('account-button')).toHaveText('Sign in');
  await page.reload();
  await expect(page.getByTestId('account-button')).toHaveText('Sign in');

  expect(guest.errors).toEqual([]);
  await guest.context.close();
  expect(consoleErrors).toEqual([]);
});

test('sign-in form: sizes checked before sending, the server’s message for a wrong password, Esc closes', async ({ page, consoleErrors }) => {
  await openStudio(page);
  await page.getByTestId('account-button').click();
  await expect(page.getByTestId('account-dialog')).toBeVisible();
  await fillAccountForm(page, 'ab', 'short');
  await expect(page.getByTestId('account-dialog')).toContainText('A user name has 3–32 characters; this one has 2.');
  await expect(page.getByTestId('account-dialog')).toContainText('A password has 8–256 characters; this one has 5.');

  await page.getByTestId('account-username').fill(uniqueName('nobody'));
  await page.getByTestId('account-password').fill('not the password');
  await page.getByTestId('account-password').press('Enter');
  await expect(page.getByTestId('account-error')).toHaveText('Could not sign in. Wrong user name or password.');
  await expect(page.getByTestId('account-submit')).toBeEnabled();

  await page.keyboard.press('Escape');
  await expect(page.getByTestId('account-dialog')).toBeHidden();
  await expect(page.getByTestId('account-button')).toBeFocused();
  // The one error the browser logs is the refused sign-in itself.
  expect(consoleErrors.filter((e) => !/status of 401/.test(e))).toEqual([]);
  expect(consoleErrors).toHaveLength(1);
});

test('library: search as you type, open a preset into the editor, an empty search says so', async ({ page, consoleErrors }) => {
  await openStudio(page);
  await page.getByTestId('library-button').click();
  await expect(page.getByTestId('library')).toContainText('needs an account');
  await page.getByTestId('library').getByRole('button', { name: 'Create an account' }).click();
  await fillAccountForm(page, uniqueName('lib'));
  await expect(page.getByTestId('account-menu-button')).toBeVisible();

  // L toggles the panel (focus on the page, not in a field).
  await page.locator('body').click({ position: { x: 5, y: 700 } });
  await page.keyboard.press('l');
  await expect(page.getByTestId('library')).toBeHidden();
  await page.keyboard.press('l');
  const search = page.getByTestId('library-search');
  await expect(search).toBeFocused();
  await expect(page.getByTestId('library-item').first()).toBeVisible();

  // While typing: "emb" already finds it, before the word is complete.
  await search.pressSequentially('emb', { delay: 40 });
  const ember = page.getByTestId('library-item').filter({ hasText: 'Ember Weave' });
  await expect(ember).toBeVisible();
  await expect(page.getByTestId('library-item')).toHaveCount(1);
  await search.pressSequentially('er', { delay: 40 });
  await expect(page.getByTestId('library-loading')).toHaveCount(0);
  await expect(ember).toBeVisible();

  await ember.click();
  await expect(page.getByTestId('toast').filter({ hasText: 'Loaded “Ember Weave”.' })).toBeVisible();
  await expect.poll(() => page.getByTestId('node').count()).toBeGreaterThan(1);
  expect(await page.evaluate(() => window.patchroomStudio.patch().nodes.length)).toBe(await page.getByTestId('node').count());

  await search.fill('zzqxjv');
  await expect(page.getByTestId('library-empty')).toHaveText('No results for “zzqxjv”.');
  await page.getByTestId('library-kind-media').click();
  await expect(page.getByTestId('library-empty')).toHaveText('No results for “zzqxjv” among media.');

  // Esc in the panel closes it; the editor's shortcuts did not fire while typing there.
  await search.press('Escape');
  await expect(page.getByTestId('library')).toBeHidden();
  expect(consoleErrors).toEqual([]);
});
