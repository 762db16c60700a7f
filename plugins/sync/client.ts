import { IndexedDBStorageAdapter } from '@automerge/automerge-repo-storage-indexeddb';
import { initializeWasm } from '@automerge/automerge-repo/slim';
import wasmUrl from '@automerge/automerge/automerge.wasm?url';
import { indexedDbOutboxStorage } from './client/outbox-storage';
import { connectRoom, type RoomConnection, type RoomConnectionOptions } from './client/room-connection';

export { bindPatch, type PatchTarget } from './client/patch-binding';
export type { ConnectionStatus, RoomConnection, SyncHttp } from './client/room-connection';
export type { PeerPresence, Presence, Role } from './client/presence';
export type { NewCommand } from './client/outbox';
export type { PendingCommand } from './client/outbox-storage';

let wasm: Promise<void> | undefined;

/**
 * The browser's way into a room (studio and player). Automerge's wasm (3.6 MB) is fetched here, on
 * first use, not with the page: the local studio and the plain player never load it.
 */
export async function openRoom(options: Omit<RoomConnectionOptions, 'storage' | 'outboxStorage'>): Promise<RoomConnection> {
  wasm ??= initializeWasm(wasmUrl).catch((error: unknown) => {
    wasm = undefined;
    throw error;
  });
  await wasm;
  let storage: IndexedDBStorageAdapter | undefined;
  try {
    storage = typeof indexedDB === 'undefined' ? undefined : new IndexedDBStorageAdapter('patchroom-rooms', 'documents');
  } catch {
    storage = undefined; // private mode without IndexedDB: the room still works, only not offline
  }
  return connectRoom({ ...options, ...(storage ? { storage } : {}), outboxStorage: indexedDbOutboxStorage() });
}
