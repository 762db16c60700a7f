import { useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { useStudio } from '../app/studio';
import { useOnline } from '../online';
import { ErrorNote } from '../ui/ErrorNote';
import { keepKeysInside } from '../ui/keys';
import { useAction } from '../ui/use-action';

/** The toolbar's right end: "Sign in" when signed out; the user's name with a menu when signed in. */
export function AccountButton() {
  const { account, dialogs } = useOnline();
  const status = useStore(account, (s) => s.status);
  const user = useStore(account, (s) => s.user);
  const unreachable = useStore(account, (s) => s.unreachable);
  if (status === 'loading') {
    return (
      <button type="button" disabled aria-busy="true" data-testid="account-button">
        …
      </button>
    );
  }
  if (!user) {
    return (
      <button
        type="button"
        onClick={() => dialogs.show({ kind: 'account', mode: 'sign-in' })}
        title={unreachable ? 'The server could not be reached: the studio works locally' : 'Sign in or create an account'}
        data-testid="account-button"
      >
        Sign in
      </button>
    );
  }
  return <AccountMenu name={user.name} />;
}

function AccountMenu({ name }: { name: string }) {
  const { account, dialogs } = useOnline();
  const { ui } = useStudio();
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const signOut = useAction();

  useEffect(() => {
    if (!open) return;
    box.current?.querySelector<HTMLElement>('[role=menuitem]')?.focus();
    const outside = (e: PointerEvent) => !box.current?.contains(e.target as Node) && setOpen(false);
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, [open]);

  const choose = (then: () => void) => () => {
    setOpen(false);
    then();
  };

  return (
    <div
      ref={box}
      className="pr-menu-anchor"
      onKeyDown={(e) => {
        keepKeysInside(e, true);
        if (e.key === 'Escape') setOpen(false);
      }}
    >
      <button type="button" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen(!open)} data-testid="account-menu-button">
        {name} ▾
      </button>
      {open && (
        <div className="pr-menu" role="menu" aria-label="Account">
          <button type="button" role="menuitem" onClick={choose(() => dialogs.show({ kind: 'rooms' }))}>
            My rooms
          </button>
          <button
            type="button"
            role="menuitem"
            disabled={signOut.pending}
            data-testid="sign-out"
            onClick={() =>
              void signOut.run(async () => {
                await account.signOut();
                setOpen(false);
                ui.toast('Signed out.');
              })
            }
          >
            {signOut.pending ? 'Signing out…' : 'Sign out'}
          </button>
          <ErrorNote error={signOut.error} />
        </div>
      )}
    </div>
  );
}
