import { createStore } from 'zustand/vanilla';
import type { ApiError } from '../api/api-error';
import { asApiError } from '../api/error-text';
import type { Role, Room, RoomsApi } from './rooms-api';

export interface CurrentRoomState {
  /** The room of this page (/studio/<id>), as the server describes it to the signed-in person. */
  room: Room | undefined;
  role: Role | undefined;
  /** A member, rather than a visitor of a public room. */
  member: boolean;
  loading: boolean;
  error: ApiError | undefined;
}

/** The room this studio page is in: shared by the toolbar's Room button and the Room dialog. */
export function createCurrentRoomStore(roomId: string | undefined, rooms: RoomsApi) {
  const store = createStore<CurrentRoomState>(() => ({ room: undefined, role: undefined, member: false, loading: false, error: undefined }));
  let generation = 0;
  return {
    ...store,
    roomId,
    async load(): Promise<void> {
      if (!roomId) return;
      const mine = ++generation;
      store.setState({ loading: true, error: undefined });
      try {
        const answer = await rooms.get(roomId);
        if (mine === generation) store.setState({ room: answer.room, role: answer.role, member: answer.member, loading: false });
      } catch (error) {
        if (mine === generation) store.setState({ room: undefined, role: undefined, member: false, loading: false, error: asApiError(error) });
      }
    },
    /** After a rename or a visibility switch the server answers the new room. */
    update(room: Room) {
      store.setState({ room });
    },
    /** Signed out: forget what the server said to the previous person. */
    forget() {
      generation++;
      store.setState({ room: undefined, role: undefined, member: false, loading: false, error: undefined });
    },
  };
}

export type CurrentRoomStore = ReturnType<typeof createCurrentRoomStore>;
