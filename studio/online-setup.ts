import { createAccountStore, storageHint } from './account/account-store';
import { createApiClient, type ApiClientOptions } from './api/client';
import { libraryApi } from './library/library-api';
import { createLibraryStore } from './library/library-store';
import type { Online } from './online';
import { createCurrentRoomStore } from './rooms/current-room';
import { readInviteToken } from './rooms/invite-link';
import { roomsApi } from './rooms/rooms-api';
import { createDialogStore } from './ui/dialog-store';

export interface OnlineOptions {
  /** The page's room (/studio/<id>), or undefined for the local studio. */
  roomId: string | undefined;
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | undefined;
  client?: ApiClientOptions;
}

/** Builds the online services; nothing is fetched until `start()`, and the studio never waits for it. */
export function createOnline(options: OnlineOptions): Online & { start(): void } {
  const api = createApiClient(options.client);
  const account = createAccountStore(api, storageHint(options.storage));
  const library = libraryApi(api);
  const rooms = roomsApi(api);
  const online: Online = {
    api,
    account,
    dialogs: createDialogStore(),
    rooms,
    currentRoom: createCurrentRoomStore(options.roomId, rooms),
    library: createLibraryStore(library.page),
    libraryApi: library,
  };
  account.subscribe((state, before) => {
    if (state.user?.id === before.user?.id) return;
    // What the server showed one person (or nobody) must not linger for the next.
    online.library.clear();
    if (state.user) void online.currentRoom.load();
    else online.currentRoom.forget();
  });
  return {
    ...online,
    start() {
      void account.init();
    },
  };
}

/**
 * An invite link (`/studio#invite=<token>`) opens the join screen with the token, then leaves the
 * address bar: the token should not stay in history or be copied along with the page's address.
 */
export function takeInviteFromLocation(loc: Pick<Location, 'hash' | 'pathname' | 'search'>, history: Pick<History, 'replaceState'>): string | undefined {
  const token = /[#&]invite=/.test(loc.hash) ? readInviteToken(loc.hash) : undefined;
  if (/[#&]invite=/.test(loc.hash)) history.replaceState(null, '', loc.pathname + loc.search);
  return token;
}
