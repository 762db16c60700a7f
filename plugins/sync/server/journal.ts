import { next as A } from '@automerge/automerge';
import type { DocHandle, Repo } from '@automerge/automerge-repo';
import type { Database } from 'better-sqlite3';
import type { Logger } from '../../../runtime/plugin/server';

/**
 * Makes every document change durable before any peer can receive it. automerge-repo saves a
 * changed document up to 100 ms later, asynchronously; it also sends changes to peers from a timer.
 * A server killed in between would have lost changes its clients already hold, and a client that
 * may only read would then send them back (and be refused as a writer). So each change is written
 * here, in SQLite, synchronously while the document changes (inside the caller's transaction, if
 * any); the rows are deleted once the Automerge storage holds them, and replayed at start otherwise.
 */
export function docJournal(
  db: Database,
  repo: Repo,
  storage: { failures: number },
  log: Logger,
  /** Told whenever a document is used (opened for a peer or the queue) or changed. */
  onActivity: (documentId: string) => void = () => {},
) {
  const insert = db.prepare('INSERT INTO sync_journal (doc_id, bytes) VALUES (?, ?)');
  const maxId = db.prepare<[], { id: number | null }>('SELECT MAX(id) AS id FROM sync_journal');
  const docsUpTo = db.prepare<[number], { doc_id: string }>('SELECT DISTINCT doc_id FROM sync_journal WHERE id <= ?');
  const rowsOf = db.prepare<[string], { bytes: Buffer }>('SELECT bytes FROM sync_journal WHERE doc_id = ? ORDER BY id');
  const deleteUpTo = db.prepare('DELETE FROM sync_journal WHERE id <= ? AND doc_id = ?');
  /** Heads already written (in storage or here), per tracked handle. */
  const written = new WeakMap<DocHandle<unknown>, A.Heads>();

  function record(handle: DocHandle<unknown>, doc: A.Doc<unknown>) {
    onActivity(handle.documentId);
    const since = written.get(handle) ?? [];
    const heads = A.getHeads(doc);
    written.set(handle, heads);
    const bytes = A.saveSince(doc, since);
    if (bytes.byteLength > 0) insert.run(handle.documentId, bytes);
  }

  const journal = {
    /**
     * Starts journaling a document's changes. Call before any change can reach it (before the
     * repo sees a peer's message for it); the state loaded from storage is not journaled.
     */
    track(documentId: string): DocHandle<unknown> {
      onActivity(documentId);
      const handle = repo.findWithProgress<unknown>(documentId as never).handle;
      if (written.has(handle)) return handle;
      written.set(handle, handle.isReady() ? A.getHeads(handle.doc()) : []);
      handle.on('heads-changed', ({ doc }) => {
        // Loading from storage is not a change: take its heads as the starting point.
        if (!handle.isReady()) written.set(handle, A.getHeads(doc));
        else record(handle, doc);
      });
      return handle;
    },

    /** A document made here (repo.create): its whole first state goes into the journal. */
    created(handle: DocHandle<unknown>) {
      written.set(handle, []);
      record(handle, handle.doc());
      handle.on('heads-changed', ({ doc }) => record(handle, doc));
    },

    /** At start: changes the storage missed before the last stop go back into their documents. */
    async replay(): Promise<string[]> {
      const upTo = maxId.get()?.id;
      if (!upTo) return [];
      const ids = docsUpTo.all(upTo).map((row) => row.doc_id);
      for (const id of ids) {
        const handle = journal.track(id);
        await handle.whenReady(['ready', 'unavailable']).catch(() => undefined);
        if (!handle.isReady()) {
          log.error('journaled document missing from storage', { doc_id: id });
          continue;
        }
        for (const { bytes } of rowsOf.all(id)) handle.update((doc) => A.loadIncremental(doc, new Uint8Array(bytes)));
      }
      log.info('journal replayed', { documents: ids.length });
      await journal.compact();
      return ids;
    },

    /** Moves journaled changes into the Automerge storage and forgets them. */
    async compact() {
      const upTo = maxId.get()?.id;
      if (!upTo) return;
      const ids = docsUpTo.all(upTo).map((row) => row.doc_id);
      await journal.settle(ids.filter((id) => repo.handles[id as never]?.isReady()));
    },

    /**
     * Saves these loaded documents to the Automerge storage and forgets their journaled changes.
     * False when the storage failed: their changes stay journaled.
     */
    async settle(ids: string[]): Promise<boolean> {
      const upTo = maxId.get()?.id;
      const failures = storage.failures;
      await repo.flush(ids as never[]);
      if (storage.failures !== failures) {
        log.error('document storage failed: changes stay in the journal');
        return false;
      }
      if (upTo) for (const id of ids) deleteUpTo.run(upTo, id);
      return true;
    },
  };
  return journal;
}

export type DocJournal = ReturnType<typeof docJournal>;
