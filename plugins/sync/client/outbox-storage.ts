import type { QueueCommand } from '../protocol';

/** A queue command the server has not answered yet. */
export interface PendingCommand {
  roomId: string;
  command: QueueCommand;
  /** ms since the epoch, when the user made it: sending order. */
  createdAt: number;
  /** How many times it went out without an answer. */
  attempts: number;
}

/** Where the outbox keeps its commands: IndexedDB in the browser, memory in tests. */
export interface OutboxStorage {
  load(roomId: string): Promise<PendingCommand[]>;
  put(entry: PendingCommand): Promise<void>;
  remove(roomId: string, ids: readonly string[]): Promise<void>;
}

export function memoryOutboxStorage(): OutboxStorage & { entries(): PendingCommand[] } {
  const rows = new Map<string, PendingCommand>();
  const key = (roomId: string, id: string) => `${roomId}\u0000${id}`;
  return {
    async load(roomId) {
      return [...rows.values()].filter((e) => e.roomId === roomId).map((e) => structuredClone(e));
    },
    async put(entry) {
      rows.set(key(entry.roomId, entry.command.id), structuredClone(entry));
    },
    async remove(roomId, ids) {
      for (const id of ids) rows.delete(key(roomId, id));
    },
    entries: () => [...rows.values()],
  };
}

const DB_NAME = 'patchroom-outbox';
const STORE = 'commands';

/**
 * IndexedDB: one object store keyed by [roomId, command id]. A write resolves when its transaction
 * commits, so a command the user saw as "pending" survives a reload or a crash.
 */
export function indexedDbOutboxStorage(factory: IDBFactory = indexedDB): OutboxStorage {
  let opened: Promise<IDBDatabase> | undefined;
  const db = () =>
    (opened ??= new Promise<IDBDatabase>((resolve, reject) => {
      const request = factory.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        const store = request.result.createObjectStore(STORE, { keyPath: ['roomId', 'command.id'] });
        store.createIndex('room', 'roomId');
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => {
        opened = undefined;
        reject(request.error ?? new Error('IndexedDB refused to open the outbox'));
      };
    }));
  const run = async (mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest | void): Promise<unknown> => {
    const tx = (await db()).transaction(STORE, mode);
    const request = work(tx.objectStore(STORE));
    return new Promise((resolve, reject) => {
      tx.oncomplete = () => resolve(request ? request.result : undefined);
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
  };
  return {
    async load(roomId) {
      return ((await run('readonly', (s) => s.index('room').getAll(roomId))) as PendingCommand[]) ?? [];
    },
    async put(entry) {
      await run('readwrite', (s) => void s.put(entry));
    },
    async remove(roomId, ids) {
      await run('readwrite', (s) => {
        for (const id of ids) s.delete([roomId, id]);
      });
    },
  };
}
