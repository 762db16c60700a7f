import { createContext, useContext } from 'react';
import type { AccountStore } from './account/account-store';
import type { ApiClient } from './api/client';
import type { LibraryApi } from './library/library-api';
import type { LibraryStore } from './library/library-store';
import type { CurrentRoomStore } from './rooms/current-room';
import type { RoomsApi } from './rooms/rooms-api';
import type { DialogStore } from './ui/dialog-store';

/**
 * What the online screens (account, rooms, library) share: the API client and their stores. Apart
 * from the Studio context so that these screens can be tested without an editor, and so that the
 * studio without a server (/studio, local) needs none of it to work.
 */
export interface Online {
  api: ApiClient;
  account: AccountStore;
  dialogs: DialogStore;
  rooms: RoomsApi;
  currentRoom: CurrentRoomStore;
  library: LibraryStore;
  libraryApi: LibraryApi;
}

export const OnlineContext = createContext<Online | undefined>(undefined);

export function useOnline(): Online {
  const online = useContext(OnlineContext);
  if (!online) throw new Error('useOnline outside <OnlineContext.Provider>');
  return online;
}
