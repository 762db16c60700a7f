import type { Preset } from '../../runtime/presets/preset';
import type { Registry } from '../../runtime/plugin/registry';
import { readPatchFile } from '../state/files';
import type { FullPreset } from './library-api';

export type PresetResult = { ok: true; preset: Preset } | { ok: false; message: string };

/**
 * A library preset as the studio's Preset. Saved presets come from other people: the patch is
 * checked like a file someone sent (readPatchFile) before anything is replaced.
 */
export function libraryPreset(
  item: Pick<FullPreset, 'id' | 'title' | 'presetKind' | 'patch' | 'code'> & Partial<Pick<FullPreset, 'tags' | 'description' | 'author'>>,
  registry: Registry,
): PresetResult {
  const meta = { id: item.id, name: item.title, tags: item.tags ?? [], ...(item.description ? { description: item.description } : {}), ...(item.author ? { author: item.author } : {}) };
  if (item.presetKind === 'code') {
    if (typeof item.code !== 'string') return { ok: false, message: `“${item.title}” has no code.` };
    return { ok: true, preset: { ...meta, kind: 'code', code: item.code } };
  }
  if (item.patch === undefined) return { ok: false, message: `“${item.title}” has no patch.` };
  const read = readPatchFile(JSON.stringify(item.patch), registry);
  if (!read.ok) return { ok: false, message: `“${item.title}” cannot be opened: ${read.message}` };
  return { ok: true, preset: { ...meta, kind: 'patch', patch: read.patch } };
}
