// @vitest-environment happy-dom
import { act } from 'react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test-harness';
import { click, press, renderOnline, typeInto, until } from '../ui/render-online';
import { AccountButton } from './AccountButton';
import { AccountDialog } from './AccountDialog';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { LOGIN_MAX_FAILURES: '1', LOGIN_BACKOFF_MS: '8000' } });
  (globalThis as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${server.url}/studio`);
});
afterAll(async () => {
  await server.destroy();
});
afterEach(() => {
  document.body.innerHTML = '';
  localStorage.clear();
});

function mount() {
  const view = renderOnline(
    <>
      <AccountButton />
      <AccountDialog />
    </>,
  );
  view.online.start();
  return view;
}

const field = (view: ReturnType<typeof mount>, id: string) => view.$<HTMLInputElement>(id)!;
const submit = (view: ReturnType<typeof mount>) => act(() => view.host.querySelector('form')!.requestSubmit());

describe('account dialog', () => {
  it('opens from "Sign in" with focus in the first field; Esc closes it and the key never reaches the editor', async () => {
    const view = mount();
    await until(() => expect(view.$('account-button')?.textContent).toBe('Sign in'));
    click(view.$('account-button'));
    expect(document.activeElement).toBe(field(view, 'account-username'));
    const editorKeys = vi.fn();
    window.addEventListener('keydown', editorKeys);
    press(field(view, 'account-username'), 'Escape');
    window.removeEventListener('keydown', editorKeys);
    expect(view.$('account-dialog')).toBeNull();
    expect(editorKeys).not.toHaveBeenCalled();
    view.unmount();
  });

  it('checks sizes before sending, then shows the server’s answer next to the form', async () => {
    const view = mount();
    await until(() => expect(view.$('account-button')?.textContent).toBe('Sign in'));
    click(view.$('account-button'));
    typeInto(field(view, 'account-username'), 'ab');
    typeInto(field(view, 'account-password'), 'short');
    submit(view);
    expect(view.host.textContent).toContain('A user name has 3–32 characters; this one has 2.');
    expect(view.host.textContent).toContain('A password has 8–256 characters; this one has 5.');
    expect(field(view, 'account-username').getAttribute('aria-invalid')).toBe('true');
    expect(view.$('account-error')).toBeNull();

    typeInto(field(view, 'account-username'), 'Nobody-Here');
    typeInto(field(view, 'account-password'), 'not the password');
    submit(view);
    expect(view.$('account-submit')?.textContent).toBe('Signing in…');
    expect(view.$<HTMLButtonElement>('account-submit')?.disabled).toBe(true);
    await until(() => expect(view.$('account-error')?.textContent).toBe('Could not sign in. Wrong user name or password.'));
    expect(view.$('account-error')?.dataset.code).toBe('invalid_credentials');

    // Soon every attempt must wait: the wait is shown and counted down, and the button waits too.
    for (let i = 0; i < 4 && view.$('account-error')?.dataset.code !== 'rate_limited'; i++) {
      submit(view);
      await until(() => expect(view.$<HTMLButtonElement>('account-submit')?.textContent).toBe('Sign in'));
    }
    expect(view.$('account-error')?.dataset.code).toBe('rate_limited');
    expect(view.$('account-error-wait')?.textContent).toMatch(/You can try again in \d+ s\./);
    expect(view.$<HTMLButtonElement>('account-submit')?.disabled).toBe(true);
    view.unmount();
  });

  it('signs up, closes, names the user in the toolbar, and opens what was asked for next', async () => {
    const view = mount();
    await until(() => expect(view.$('account-button')?.textContent).toBe('Sign in'));
    act(() => view.online.dialogs.show({ kind: 'account', mode: 'sign-up', then: { kind: 'rooms', tab: 'mine' } }));
    typeInto(field(view, 'account-username'), '  Ada ');
    typeInto(field(view, 'account-password'), 'password for tests');
    submit(view);
    await until(() => expect(view.$('account-menu-button')?.textContent).toBe('ada ▾'));
    expect(view.$('account-dialog')).toBeNull();
    expect(view.online.dialogs.getState().open).toEqual({ kind: 'rooms', tab: 'mine' });
    expect(view.ui.getState().toasts.map((t) => t.message)).toContain('Welcome, ada: your account is ready.');

    // A taken name is the server's 409, shown with its message.
    act(() => view.online.dialogs.show({ kind: 'account', mode: 'sign-up' }));
    typeInto(field(view, 'account-username'), 'ada');
    typeInto(field(view, 'account-password'), 'password for tests');
    submit(view);
    await until(() => expect(view.$('account-error')?.textContent).toBe('That name is taken. The user name "ada" is taken.'));

    // Sign out from the menu.
    press(view.$('account-error'), 'Escape');
    click(view.$('account-menu-button'));
    click(view.$('sign-out'));
    await until(() => expect(view.$('account-button')?.textContent).toBe('Sign in'));
    view.unmount();
  });
});
