import type { Patch } from '../../../runtime/patch/schema';
import { applyChanges, diffPatches, writeChanges, type PatchChange } from '../patch-changes';
import { docToPatch } from '../patch-doc';
import type { PatchDoc } from '../protocol';

/** The patch being edited locally (the studio's patch store fits through a small adapter). */
export interface PatchTarget {
  get(): Patch;
  subscribe(listener: () => void): () => void;
  /**
   * Shows the room's patch after someone else's edit: no undo step of its own, the selection kept,
   * and `rebase` applied to the undo history so that undoing my edit does not undo theirs.
   */
  applyRemote(patch: Patch, rebase: (p: Patch) => Patch): void;
  /** The room's patch the first time: replaces whatever was shown, history and all. */
  load(patch: Patch): void;
}

/** What the binding needs from automerge-repo's DocHandle. */
export interface PatchHandle {
  doc(): PatchDoc | undefined;
  change(fn: (doc: PatchDoc) => void): void;
  on(event: 'change', listener: () => void): unknown;
  off(event: 'change', listener: () => void): unknown;
}

export interface BindingOptions {
  /** Viewers: the document is never written; a local edit is put back. */
  readOnly?: boolean;
  /** Parts of the document that could not be shown (untrusted or inconsistent). */
  onDropped?(dropped: string[]): void;
  /** A read-only person's edit was put back. */
  onRefused?(): void;
}

/**
 * Keeps a local patch and the room's patch document in step. Local edits go in as the smallest
 * changes (per node, parameter, position, edge), so concurrent edits of different things all
 * survive; remote changes come out as a new patch for the store, without an undo step.
 */
export function bindPatch(handle: PatchHandle, target: PatchTarget, options: BindingOptions = {}) {
  /** The patch as last read from or written to the document. */
  let synced: Patch = docToPatch(handle.doc()).patch;
  let applying = false;
  let lastDropped = '';

  const report = (dropped: string[]) => {
    const key = dropped.join('|');
    if (dropped.length && key !== lastDropped) options.onDropped?.(dropped);
    lastDropped = key;
  };

  const initial = docToPatch(handle.doc(), target.get());
  synced = initial.patch;
  report(initial.dropped);
  applying = true;
  try {
    target.load(synced);
  } finally {
    applying = false;
  }

  const onDocChange = () => {
    const read = docToPatch(handle.doc(), target.get());
    report(read.dropped);
    const remote: PatchChange[] = diffPatches(synced, read.patch);
    synced = read.patch;
    if (remote.length === 0) return;
    const local = target.get();
    // What the document says now, with nothing local pending: the document wins.
    if (diffPatches(local, read.patch).length === 0) return;
    applying = true;
    try {
      target.applyRemote(read.patch, (p) => applyChanges(p, remote));
    } finally {
      applying = false;
    }
  };

  const onLocalChange = () => {
    if (applying) return;
    const local = target.get();
    const changes = diffPatches(synced, local);
    if (changes.length === 0) return;
    if (options.readOnly) {
      applying = true;
      try {
        target.applyRemote(synced, (p) => p);
      } finally {
        applying = false;
      }
      options.onRefused?.();
      return;
    }
    synced = local;
    // DocHandle.change emits 'change' synchronously; onDocChange then sees what the document kept
    // (an edge to a node removed meanwhile is not) and corrects the local patch if needed.
    handle.change((doc) => writeChanges(doc, changes));
  };

  handle.on('change', onDocChange);
  const unsubscribe = target.subscribe(onLocalChange);
  return {
    close() {
      handle.off('change', onDocChange);
      unsubscribe();
    },
  };
}
