// @vitest-environment happy-dom
import { act } from 'react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test-harness';
import { click, renderOnline, typeInto, until } from '../ui/render-online';
import { RoomDialog } from './RoomDialog';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  (globalThis as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${server.url}/studio`);
});
afterAll(async () => {
  await server.destroy();
});

function selectValue(select: HTMLSelectElement, value: string) {
  act(() => {
    Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'value')!.set!.call(select, value);
    select.dispatchEvent(new Event('change', { bubbles: true }));
  });
}

describe('room dialog', () => {
  it('gives the owner the controls, shows progress and errors, and shows a viewer the list read-only', async () => {
    // Set up through the API in this window (happy-dom has one cookie jar): the owner makes a room and
    // a viewer invite, the second person signs up and joins with it, then the owner signs back in.
    const setup = renderOnline(null);
    const { account, rooms } = setup.online;
    await act(() => account.signUp({ username: 'owner', password: 'password for tests' }));
    const { room } = await rooms.create('Friday set', 'private');
    const { token } = await rooms.createInvite(room.id, { role: 'viewer', expiresIn: 3600 });
    await act(() => account.signOut());
    await act(() => account.signUp({ username: 'guest', password: 'password for tests' }));
    expect((await rooms.join(token)).role).toBe('viewer');
    await act(() => account.signOut());
    await act(() => account.signIn({ username: 'owner', password: 'password for tests' }));
    setup.unmount();

    const view = renderOnline(<RoomDialog />, { roomId: room.id });
    await act(() => view.online.account.init());
    act(() => view.online.dialogs.show({ kind: 'room' }));
    await until(() => expect(view.$$('member-row')).toHaveLength(2));
    expect(view.$('my-role')?.textContent).toBe('owner');
    expect(view.$<HTMLInputElement>('audience-link')?.value).toBe(`${server.url}/play/${room.id}`);
    await until(() => expect(view.$$('invite-row')).toHaveLength(1));

    // Change a role: the select is busy while the server answers, then holds the new role.
    const guestRow = () => view.$$('member-row').find((r) => r.dataset.member === 'guest')!;
    selectValue(guestRow().querySelector('select')!, 'performer');
    expect(guestRow().getAttribute('aria-busy')).toBe('true');
    await until(() => expect(guestRow().getAttribute('aria-busy')).toBe('false'));
    expect(guestRow().querySelector('select')?.value).toBe('performer');

    // Rename.
    typeInto(view.$<HTMLInputElement>('room-rename')!, 'Saturday set');
    click(view.$('room-rename-save'));
    await until(() => expect(view.$('room-title')?.textContent).toBe('Saturday set'));

    // Withdrawing an invite someone else already withdrew: the server's 404 shows on its row.
    const [invite] = await view.online.rooms.invites(room.id);
    await view.online.rooms.withdrawInvite(room.id, invite!.id);
    click(view.$('invite-withdraw'));
    await until(() => expect(view.$('invite-row')?.textContent).toContain('No such invite.'));

    // Make a new link: shown once, as a link whose fragment carries the token.
    click(view.$('invite-create'));
    await until(() => expect(view.$<HTMLInputElement>('invite-link')?.value).toMatch(new RegExp(`^${server.url}/studio#invite=[A-Za-z0-9_-]{20,}$`)));

    // The second person, now a performer, signs in: no owner controls, viewer invites only.
    await act(() => view.online.account.signOut());
    await act(() => view.online.account.signIn({ username: 'guest', password: 'password for tests' }));
    act(() => view.online.dialogs.close());
    act(() => view.online.dialogs.show({ kind: 'room' }));
    await until(() => expect(view.$$('member-row')).toHaveLength(2));
    expect(view.$('my-role')?.textContent).toBe('performer');
    expect(view.$('room-settings')).toBeNull();
    expect(view.$$('member-role-select')).toHaveLength(0);
    expect(view.$$('member-role').map((r) => r.textContent)).toEqual(['owner', 'performer']);
    expect(view.$$('member-remove').map((b) => b.textContent)).toEqual(['Leave']);
    expect(view.$<HTMLSelectElement>('invite-role-select')?.disabled).toBe(true);
    expect(view.$('invite-list')).toBeNull();
    view.unmount();
  });

  it('asks to sign in when signed out', async () => {
    const view = renderOnline(<RoomDialog />, { roomId: 'AbCdEfGhIjKl' });
    await act(() => view.online.account.signOut());
    act(() => view.online.dialogs.show({ kind: 'room' }));
    expect(view.$('sign-in-first')?.textContent).toContain('Sign in to see this room');
    view.unmount();
  });
});
