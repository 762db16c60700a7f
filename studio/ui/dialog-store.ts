import { createStore } from 'zustand/vanilla';

/** The online dialogs; one is open at a time. */
export type DialogRequest =
  | { kind: 'account'; mode: 'sign-in' | 'sign-up'; /** Opened next, after signing in (e.g. joining with an invite). */ then?: DialogRequest }
  | { kind: 'rooms'; tab?: 'mine' | 'join'; invite?: string }
  | { kind: 'room' };

export function createDialogStore() {
  const store = createStore<{ open: DialogRequest | undefined }>(() => ({ open: undefined }));
  return {
    ...store,
    show(request: DialogRequest) {
      store.setState({ open: request });
    },
    close() {
      store.setState({ open: undefined });
    },
  };
}

export type DialogStore = ReturnType<typeof createDialogStore>;
