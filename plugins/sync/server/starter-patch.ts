import { parsePatch } from '../../../runtime/patch/parse';
import type { RequestState } from '../../../runtime/plugin/server';
import { patchToDoc } from '../patch-doc';
import type { PatchDoc } from '../protocol';

/**
 * The patch a new room's document starts from: the library patch preset the room names as its
 * starter (the demo room's), read through the library like any other item. Anything else — no
 * starter, a code preset, a preset that no longer parses — starts the room empty.
 */
export function starterPatch(state: RequestState, roomId: string): PatchDoc | undefined {
  const presetId = state.roomStarter?.(roomId);
  if (!presetId) return undefined;
  const item = state.libraryItem?.(presetId);
  if (item?.kind !== 'preset' || item.presetKind !== 'patch') return undefined;
  const parsed = parsePatch(item.body);
  return parsed.ok ? patchToDoc(parsed.patch) : undefined;
}
