import type { Repo } from '@automerge/automerge-repo';
import type { Database } from 'better-sqlite3';
import { PATCH_VERSION } from '../../../runtime/patch/schema';
import type { PatchDoc, RoomState, RoomStateDoc } from '../protocol';
import type { DocJournal } from './journal';
import { newRoomState } from './mirror';

export interface RoomDocIds {
  roomId: string;
  patchDocId: string;
  stateDocId: string;
}

export type DocKind = 'patch' | 'state';

interface Row {
  room_id: string;
  patch_doc_id: string;
  state_doc_id: string;
}

/**
 * Which documents belong to which room (`sync_rooms`). Document ids never change, so they are kept
 * in memory too: the socket gate looks one up for every message.
 */
export function roomDocs(db: Database, repo: Repo, journal: DocJournal) {
  const all = db.prepare<[], Row>('SELECT room_id, patch_doc_id, state_doc_id FROM sync_rooms');
  const insert = db.prepare('INSERT INTO sync_rooms (room_id, patch_doc_id, state_doc_id, created_at) VALUES (?, ?, ?, ?)');
  const byRoom = new Map<string, RoomDocIds>();
  const byDoc = new Map<string, { roomId: string; kind: DocKind }>();
  const creating = new Map<string, Promise<RoomDocIds>>();

  const remember = (ids: RoomDocIds) => {
    byRoom.set(ids.roomId, ids);
    byDoc.set(ids.patchDocId, { roomId: ids.roomId, kind: 'patch' });
    byDoc.set(ids.stateDocId, { roomId: ids.roomId, kind: 'state' });
  };
  for (const row of all.all()) remember({ roomId: row.room_id, patchDocId: row.patch_doc_id, stateDocId: row.state_doc_id });

  return {
    ofRoom: (roomId: string) => byRoom.get(roomId),
    ofDoc: (docId: string) => byDoc.get(docId),
    rooms: () => [...byRoom.values()],

    /**
     * The room's documents, made on first use: the starter patch (else an empty one) and an empty room state. They reach
     * the storage before the row naming them is written, so a room's documents always load.
     */
    ensure(roomId: string, members: RoomState['members'], starter?: PatchDoc): Promise<RoomDocIds> {
      const known = byRoom.get(roomId);
      if (known) return Promise.resolve(known);
      let pending = creating.get(roomId);
      if (!pending) {
        pending = (async () => {
          const patch = repo.create<PatchDoc>(starter ?? { version: PATCH_VERSION, nodes: {}, edges: {} });
          const state = repo.create<RoomStateDoc>(newRoomState(roomId, members));
          journal.created(patch as never);
          journal.created(state as never);
          await repo.flush([patch.documentId, state.documentId]);
          const ids = { roomId, patchDocId: patch.documentId as string, stateDocId: state.documentId as string };
          insert.run(roomId, ids.patchDocId, ids.stateDocId, Date.now());
          remember(ids);
          return ids;
        })().finally(() => creating.delete(roomId));
        creating.set(roomId, pending);
      }
      return pending;
    },
  };
}

export type RoomDocs = ReturnType<typeof roomDocs>;
