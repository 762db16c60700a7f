import { useOnline } from '../online';
import type { DialogRequest } from '../ui/dialog-store';

/** In place of what needs an account: why, and the way in; after signing in, `then` opens. */
export function SignInFirst({ why, then }: { why: string; then?: DialogRequest }) {
  const { dialogs } = useOnline();
  const after = then ? { then } : {};
  return (
    <div className="pr-sign-in-first" data-testid="sign-in-first">
      <p>{why}</p>
      <button type="button" className="pr-primary" onClick={() => dialogs.show({ kind: 'account', mode: 'sign-in', ...after })}>
        Sign in
      </button>{' '}
      <button type="button" onClick={() => dialogs.show({ kind: 'account', mode: 'sign-up', ...after })}>
        Create an account
      </button>
    </div>
  );
}
