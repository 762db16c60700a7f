import { createStore } from 'zustand/vanilla';
import { ApiError } from '../api/api-error';
import type { ApiClient, SessionAnswer } from '../api/client';
import { authApi, type Credentials } from './auth-api';

export type AccountStatus = 'loading' | 'signed-out' | 'signed-in' | 'guest';

export interface AccountState {
  status: AccountStatus;
  user: { id: string; name: string } | undefined;
  guestId: string | undefined;
  /** The server could not be reached when the studio started: accounts are unavailable, the studio still works. */
  unreachable: boolean;
}

/**
 * Remembers (not secretly: it is a plain flag) that this browser signed in, so that a start without
 * an access cookie tries one refresh. Without the flag a signed-out visitor would get a 401 on every start.
 */
export interface SessionHint {
  get(): boolean;
  set(signedIn: boolean): void;
}

const HINT_KEY = 'patchroom.session';

export function storageHint(storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | undefined): SessionHint {
  return {
    get: () => {
      try {
        return storage?.getItem(HINT_KEY) === '1';
      } catch {
        return false; // storage disabled: behave as signed out
      }
    },
    set: (signedIn) => {
      try {
        if (signedIn) storage?.setItem(HINT_KEY, '1');
        else storage?.removeItem(HINT_KEY);
      } catch {
        // storage disabled: the session still works until the access token expires
      }
    },
  };
}

/** Who is using the studio: an account, a guest, or nobody. Outside React like the other stores. */
export function createAccountStore(api: ApiClient, hint: SessionHint) {
  const auth = authApi(api);
  const store = createStore<AccountState>(() => ({ status: 'loading', user: undefined, guestId: undefined, unreachable: false }));

  const adopt = (session: SessionAnswer | null) => {
    const user = session?.user ?? undefined;
    const guestId = session?.guest?.id;
    store.setState({ status: user ? 'signed-in' : guestId ? 'guest' : 'signed-out', user, guestId, unreachable: false });
    hint.set(user !== undefined || guestId !== undefined);
  };
  // A refresh inside any call can renew the session or find it ended (signed out in another tab).
  api.onSession(adopt);

  return {
    ...store,
    async init(): Promise<void> {
      try {
        const session = await auth.session();
        api.noteSession(session);
        if (session.user || session.guest || !hint.get()) return adopt(session);
        // Signed in before, but the access cookie has expired and gone: the refresh cookie may still be valid.
        const outcome = await api.refresh();
        if (outcome !== 'refreshed' && outcome !== 'refreshed-elsewhere') adopt(null);
        else if (store.getState().status === 'loading') adopt(await auth.session());
      } catch (error) {
        store.setState({ status: 'signed-out', user: undefined, guestId: undefined, unreachable: error instanceof ApiError && error.status === 0 });
      }
    },
    async signIn(credentials: Credentials): Promise<void> {
      adopt(await auth.signIn(credentials));
    },
    async signUp(credentials: Credentials): Promise<void> {
      adopt(await auth.signUp(credentials));
    },
    async signOut(): Promise<void> {
      await auth.signOut();
      adopt(null);
    },
  };
}

export type AccountStore = ReturnType<typeof createAccountStore>;
