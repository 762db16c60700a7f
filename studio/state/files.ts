import { hasErrors } from '../../runtime/patch/issues';
import { parsePatch } from '../../runtime/patch/parse';
import type { Patch } from '../../runtime/patch/schema';
import { validatePatch } from '../../runtime/patch/validate';
import type { Registry } from '../../runtime/plugin/registry';
import { encodeShareCode } from '../../runtime/presets/share';

/** Largest patch file the studio opens. */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;

/** A patch as a file: the patch JSON itself, readable and diffable. */
export function patchFile(patch: Patch): string {
  return `${JSON.stringify(patch, null, 2)}\n`;
}

export type ReadResult = { ok: true; patch: Patch; migrated: string[] } | { ok: false; message: string };

/**
 * Reads a patch file: refuses what is too big, not JSON, from a newer Patchroom, or not valid for
 * the loaded plugins, with a message that says which and where. Never partially applies anything.
 */
export function readPatchFile(text: string, registry: Registry): ReadResult {
  if (text.length > MAX_FILE_BYTES) return { ok: false, message: `That file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB.` };
  const parsed = parsePatch(text);
  if (!parsed.ok) return { ok: false, message: describe(parsed.issues) };
  const issues = validatePatch(parsed.patch, registry);
  if (hasErrors(issues)) return { ok: false, message: describe(issues.filter((i) => i.severity === 'error')) };
  return { ok: true, patch: parsed.patch, migrated: parsed.migrated };
}

function describe(issues: ReadonlyArray<{ message: string }>): string {
  const first = issues[0]?.message ?? 'The file is not a patch.';
  return issues.length > 1 ? `${first} (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : first;
}

/** A link that plays Hydra code in the player (`/play?code=…`), like the hydra editor's share links. */
export function shareLink(origin: string, code: string): string {
  return `${origin}/play?code=${encodeShareCode(code)}`;
}
