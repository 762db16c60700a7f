import { getHeads, loadIncremental } from '@automerge/automerge/slim';
import type { DocHandle } from '@automerge/automerge-repo/slim';
import type { RoomStateDoc } from '../protocol';

/** The heads to send with a command request (CommandsRequest.stateHeads); undefined until the document has loaded. */
export function stateHeads(handle: DocHandle<RoomStateDoc> | undefined): string[] | undefined {
  if (!handle?.isReady()) return undefined;
  const heads = getHeads(handle.doc());
  return heads.length > 0 ? heads : undefined;
}

/**
 * Applies the room-state changes a command answer carried (CommandsResponse.state) the way a sync
 * message's changes are applied: the handle changes, its listeners see it, storage keeps it. False
 * when they could not be read: the socket's sync brings them instead.
 */
export function applyStateDelta(handle: DocHandle<RoomStateDoc>, base64: string): boolean {
  let bytes: Uint8Array;
  try {
    const text = atob(base64);
    bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  } catch {
    return false;
  }
  try {
    // DocHandle.update is what automerge-repo's own synchronizer applies remote changes with.
    handle.update((doc) => loadIncremental(doc, bytes));
    return true;
  } catch {
    return false;
  }
}
