import { useEffect, useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import { useStudio } from '../app/studio';
import { useOnline } from '../online';
import { Dialog } from '../ui/Dialog';
import type { DialogRequest } from '../ui/dialog-store';
import { ErrorNote } from '../ui/ErrorNote';
import { useAction } from '../ui/use-action';
import { checkCredentials, normaliseUsername, PASSWORD_RULE, USERNAME_RULE, type CredentialProblems } from './credentials';

/** Sign in or sign up, in one dialog: the two forms differ only in their button and password hint. */
export function AccountDialog() {
  const { dialogs } = useOnline();
  const open = useStore(dialogs, (s) => s.open);
  if (open?.kind !== 'account') return null;
  // Not keyed by mode: switching between sign-in and sign-up keeps what was typed.
  return <AccountForm mode={open.mode} then={open.then} />;
}

type Request = Extract<DialogRequest, { kind: 'account' }>;

function AccountForm({ mode, then }: { mode: Request['mode']; then: Request['then'] }) {
  const { account, dialogs } = useOnline();
  const { ui } = useStudio();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [problems, setProblems] = useState<CredentialProblems>({});
  const action = useAction();
  const signingUp = mode === 'sign-up';
  const { clear } = action;
  useEffect(() => {
    setProblems({});
    clear();
  }, [mode, clear]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (action.pending || action.wait > 0) return;
    const found = checkCredentials({ username, password });
    setProblems(found);
    if (found.username || found.password) return;
    const credentials = { username: normaliseUsername(username), password };
    const done = await action.run(async () => {
      await (signingUp ? account.signUp(credentials) : account.signIn(credentials));
      return true;
    });
    if (!done) return;
    ui.toast(signingUp ? `Welcome, ${credentials.username}: your account is ready.` : `Signed in as ${credentials.username}.`);
    if (then) dialogs.show(then);
    else dialogs.close();
  };

  return (
    <Dialog title={signingUp ? 'Create an account' : 'Sign in'} onClose={() => dialogs.close()} testId="account-dialog" className="pr-dialog-narrow">
      <div className="pr-segmented pr-dialog-tabs" role="group" aria-label="Account">
        <button type="button" aria-pressed={!signingUp} onClick={() => dialogs.show({ kind: 'account', mode: 'sign-in', ...(then ? { then } : {}) })} data-testid="account-tab-sign-in">
          Sign in
        </button>
        <button type="button" aria-pressed={signingUp} onClick={() => dialogs.show({ kind: 'account', mode: 'sign-up', ...(then ? { then } : {}) })} data-testid="account-tab-sign-up">
          Sign up
        </button>
      </div>
      <form className="pr-form" onSubmit={submit} noValidate aria-busy={action.pending}>
        <label className="pr-field">
          <span>User name</span>
          <input
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            maxLength={USERNAME_RULE.max + 8}
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            aria-invalid={problems.username ? true : undefined}
            aria-describedby="account-username-problem"
            data-testid="account-username"
          />
          {problems.username && (
            <small id="account-username-problem" className="pr-field-problem">
              {problems.username}
            </small>
          )}
        </label>
        <label className="pr-field">
          <span>Password</span>
          <input
            name="password"
            type="password"
            autoComplete={signingUp ? 'new-password' : 'current-password'}
            maxLength={PASSWORD_RULE.max}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-invalid={problems.password ? true : undefined}
            aria-describedby="account-password-problem"
            data-testid="account-password"
          />
          {problems.password ? (
            <small id="account-password-problem" className="pr-field-problem">
              {problems.password}
            </small>
          ) : (
            signingUp && <small className="pr-field-hint">At least {PASSWORD_RULE.min} characters; spaces count.</small>
          )}
        </label>
        <ErrorNote error={action.error} wait={action.wait} testId="account-error" />
        <div className="pr-form-actions">
          <button type="submit" className="pr-primary" disabled={action.pending || action.wait > 0} data-testid="account-submit">
            {action.pending ? (signingUp ? 'Creating…' : 'Signing in…') : signingUp ? 'Create account' : 'Sign in'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
