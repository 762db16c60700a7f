import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { StorageKey } from '@automerge/automerge-repo';
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs';

/**
 * automerge-repo's file storage, writing each file whole or not at all: NodeFSStorageAdapter writes
 * in place, so a process killed mid-write leaves a truncated chunk that fails to load. Temporary
 * files live outside the key tree, where loading never looks.
 */
export class AtomicFSStorageAdapter extends NodeFSStorageAdapter {
  readonly #tmpDir: string;
  /** Saves that failed so far: the journal keeps its rows when a flush saw one. */
  failures = 0;

  constructor(readonly dir: string) {
    super(dir);
    this.#tmpDir = join(dir, '.tmp');
  }

  /**
   * Never rejects: the repo saves from timers without catching (an unhandled rejection). A failure
   * is counted instead, and the changes stay in the journal (see journal.ts).
   */
  override async save(key: StorageKey, binary: Uint8Array): Promise<void> {
    try {
      await this.#save(key, binary);
    } catch (error) {
      this.failures += 1;
      this.onError?.(error);
    }
  }

  onError?: (error: unknown) => void;

  async #save(key: StorageKey, binary: Uint8Array): Promise<void> {
    const internals = this as unknown as { cache: Record<string, Uint8Array>; getFilePath(key: StorageKey): string };
    internals.cache[join(...key)] = binary;
    const file = internals.getFilePath(key);
    await mkdir(dirname(file), { recursive: true });
    await mkdir(this.#tmpDir, { recursive: true });
    const tmp = join(this.#tmpDir, randomBytes(9).toString('hex'));
    await writeFile(tmp, binary);
    await rename(tmp, file);
  }
}
