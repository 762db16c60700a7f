import type { Patch } from '../../runtime/patch/schema';
import type { Registry } from '../../runtime/plugin/registry';
import { readPatchFile } from './files';

interface Saved {
  format: 'patchroom/studio';
  version: 1;
  mode: 'patch' | 'code';
  patch: unknown;
  code: string;
  savedAt: number;
}

export interface Restored {
  mode: 'patch' | 'code';
  patch: Patch;
  code: string;
}

const key = (room: string) => `patchroom:studio:${room}`;
const MAX_CODE = 256 * 1024;

/**
 * The studio's work in the browser, per room (`/studio` uses "local"). What cannot be read back is
 * kept aside under another key, never overwritten, and reported.
 */
export function loadAutosave(storage: Storage, room: string, registry: Registry): { ok: true; restored?: Restored } | { ok: false; message: string } {
  const raw = storage.getItem(key(room));
  if (raw === null) return { ok: true };
  try {
    const saved = JSON.parse(raw) as Partial<Saved>;
    if (saved.format !== 'patchroom/studio' || saved.version !== 1) throw new Error('it was saved by a different Patchroom');
    const file = readPatchFile(JSON.stringify(saved.patch), registry);
    if (!file.ok) throw new Error(file.message);
    const code = typeof saved.code === 'string' ? saved.code.slice(0, MAX_CODE) : '';
    return { ok: true, restored: { mode: saved.mode === 'code' ? 'code' : 'patch', patch: file.patch, code } };
  } catch (error) {
    storage.setItem(`${key(room)}:unreadable:${Date.now()}`, raw);
    storage.removeItem(key(room));
    return { ok: false, message: `Your last session in this room could not be restored (${(error as Error).message}). It was kept aside in this browser's storage.` };
  }
}

export function saveAutosave(storage: Storage, room: string, state: Restored): boolean {
  const saved: Saved = { format: 'patchroom/studio', version: 1, mode: state.mode, patch: state.patch, code: state.code.slice(0, MAX_CODE), savedAt: Date.now() };
  try {
    storage.setItem(key(room), JSON.stringify(saved));
    return true;
  } catch {
    return false; // storage full or disabled: the studio keeps working, the toast says so once
  }
}
