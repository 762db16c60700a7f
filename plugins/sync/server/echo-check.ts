import { next as A } from '@automerge/automerge';
import type { DocHandle } from '@automerge/automerge-repo';

/** Changes sent back that one socket may have checked against the server's copy (each check copies the document). */
export const ECHO_CHECKS_PER_SOCKET = 8;

/**
 * Whether changes a socket sent to a document it may only read would add anything to the server's
 * copy (see message-check.ts): false when the server already holds them all (a client that took the
 * room state from a command answer offers it back once per reconnect); undefined while the
 * document is still loading. `socket.echoChecks` counts the socket's checks: past
 * ECHO_CHECKS_PER_SOCKET the socket is treated as writing.
 */
export function echoAdds(handle: DocHandle<unknown> | undefined, changes: Uint8Array[], socket: { echoChecks: number }): boolean | undefined {
  if (!handle || !handle.inState(['ready', 'unavailable', 'deleted'])) return undefined;
  if (++socket.echoChecks > ECHO_CHECKS_PER_SOCKET) return true;
  return !handle.isReady() || addsChanges(handle.doc(), changes);
}

/** Resolves true once the document is loaded (or known to be missing), false after `timeoutMs`. */
export function loaded(handle: DocHandle<unknown> | undefined, timeoutMs: number): Promise<boolean> {
  if (!handle) return Promise.resolve(false);
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs).unref()));
  const ready = handle.whenReady(['ready', 'unavailable', 'deleted']).then(
    () => true,
    () => false,
  );
  return Promise.race([ready, gaveUp]).finally(() => clearTimeout(timer));
}

/**
 * Whether applying these changes (as a sync message carries them: changes, or a chunk of them)
 * would change the document. Tried on a copy (a few ms for a room-state document).
 */
function addsChanges(doc: A.Doc<unknown>, changes: Uint8Array[]): boolean {
  let copy = A.clone(doc);
  try {
    for (const bytes of changes) copy = A.loadIncremental(copy, bytes);
  } catch {
    return true;
  }
  const before = A.getHeads(doc);
  const after = A.getHeads(copy);
  // Changes whose dependencies are missing wait inside the copy without moving its heads: they add too.
  return after.length !== before.length || after.some((h) => !before.includes(h)) || A.getMissingDeps(copy, after).length > 0;
}
