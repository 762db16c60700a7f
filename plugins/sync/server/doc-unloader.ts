import type { DocHandle, Repo } from '@automerge/automerge-repo';
import type { Logger } from '../../../runtime/plugin/server';

export interface DocUnloaderOptions {
  repo: Repo;
  /** Saves documents to storage (their journal rows with them); false when the storage failed. */
  settle(documentIds: string[]): Promise<boolean>;
  /** Documents a connected client has open: they stay, however quiet. */
  openDocuments(): ReadonlySet<string>;
  /** A document with a write on its way (the room-state mirror) stays until it is written. */
  pending(documentId: string): boolean;
  /** How long a document nobody has open stays loaded after it was last used or changed. */
  idleMs: number;
  log: Logger;
}

/**
 * Lets documents nobody uses leave memory. automerge-repo keeps every document it ever loaded, so a
 * server that runs for weeks would hold every room anyone ever opened. A document that no connected
 * client has open and that was neither used nor changed for `idleMs` is saved (journal included)
 * and dropped from the repo; the next client or queue command loads it again from storage, and the
 * room state is checked against SQLite on that load as on any other.
 */
export function docUnloader(options: DocUnloaderOptions) {
  const { repo, log } = options;
  const lastActive = new Map<string, number>();

  const quiet = (id: string, since: number, open: ReadonlySet<string>) => !open.has(id) && !options.pending(id) && (lastActive.get(id) ?? since) <= since;

  return {
    /** The document was used (opened for a peer or the queue) or changed. */
    touch(documentId: string) {
      lastActive.set(documentId, Date.now());
    },

    /** Unloads what has been idle long enough; answers the ids unloaded. */
    async sweep(): Promise<string[]> {
      const now = Date.now();
      const since = now - options.idleMs;
      // The repo's own cache: removeFromCache deletes from this same object.
      const handles = repo.handles as Record<string, DocHandle<unknown>>;
      for (const id of lastActive.keys()) if (!(id in handles)) lastActive.delete(id);
      // A document loaded without a touch (at start, by the repo itself) counts from when it is first seen.
      for (const id of Object.keys(handles)) if (!lastActive.has(id)) lastActive.set(id, now);
      const open = options.openDocuments();
      const idle = Object.keys(handles).filter((id) => handles[id]!.isReady() && quiet(id, since, open));
      if (idle.length === 0) return [];
      if (!(await options.settle(idle))) return [];
      // Saving took a while: whatever was opened, used or changed meanwhile stays. From the check to
      // the removal nothing else runs (removeFromCache waits for nothing on a ready document).
      const unloaded: string[] = [];
      const openNow = options.openDocuments();
      for (const id of idle) {
        const handle = handles[id];
        if (!handle?.isReady() || !quiet(id, since, openNow)) continue;
        // automerge-repo 2.5.6 unloads a handle by giving it an empty document, which its own
        // "heads-changed" listener then saves over the stored one (a snapshot of nothing, the old
        // chunks deleted). Nothing may listen to a handle on its way out.
        handle.removeAllListeners();
        await repo.removeFromCache(id as never);
        lastActive.delete(id);
        unloaded.push(id);
      }
      if (unloaded.length > 0) log.info('documents unloaded', { count: unloaded.length, loaded: Object.keys(handles).length, doc_ids: unloaded.slice(0, 20) });
      return unloaded;
    },
  };
}

export type DocUnloader = ReturnType<typeof docUnloader>;
