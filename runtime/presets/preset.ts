import type { Program } from '../compiler/program';
import { patchToProgram } from '../compiler/compile';
import { parsePatch } from '../patch/parse';
import type { Patch } from '../patch/schema';
import type { PatchIssue } from '../patch/issues';
import type { Registry } from '../plugin/registry';

export interface PresetMeta {
  id: string;
  name: string;
  description?: string;
  tags: string[];
  author?: string;
}

/** A starter or saved preset: a patch (graph) or Hydra code. */
export type Preset = PresetMeta & ({ kind: 'patch'; patch: Patch } | { kind: 'code'; code: string });

/**
 * Reads a code preset: Hydra code whose leading comment lines may carry `@name`, `@description`,
 * `@tags` (comma-separated) and `@author`. The code itself runs unchanged in the hydra editor.
 */
export function codePreset(id: string, source: string): Preset {
  const meta: Record<string, string> = {};
  for (const line of source.split(/\r?\n/)) {
    const match = /^\s*\/\/\s*@(\w+)\s+(.*)$/.exec(line);
    if (match) meta[match[1]!] = match[2]!.trim();
    else if (line.trim() !== '' && !line.trim().startsWith('//')) break;
  }
  const preset: Preset = { id, kind: 'code', code: source, name: meta.name ?? id, tags: splitTags(meta.tags) };
  if (meta.description) preset.description = meta.description;
  if (meta.author) preset.author = meta.author;
  return preset;
}

/** Reads a patch preset file: `{ name, description, tags, author, patch }`. Throws with the reason if invalid. */
export function patchPreset(id: string, json: unknown): Preset {
  const file = json as { name?: unknown; description?: unknown; tags?: unknown; author?: unknown; patch?: unknown };
  const parsed = parsePatch(file?.patch);
  if (!parsed.ok) throw new Error(`Preset "${id}": ${parsed.issues.map((i) => i.message).join('; ')}`);
  const preset: Preset = {
    id,
    kind: 'patch',
    patch: parsed.patch,
    name: typeof file.name === 'string' ? file.name : (parsed.patch.name ?? id),
    tags: Array.isArray(file.tags) ? file.tags.filter((t): t is string => typeof t === 'string') : [],
  };
  if (typeof file.description === 'string') preset.description = file.description;
  if (typeof file.author === 'string') preset.author = file.author;
  return preset;
}

export function presetToProgram(preset: Preset, registry: Registry): { ok: true; program: Program } | { ok: false; issues: PatchIssue[] } {
  const meta = { name: preset.name, presetId: preset.id };
  if (preset.kind === 'code') return { ok: true, program: { ...meta, code: preset.code } };
  const compiled = patchToProgram(preset.patch, registry, meta);
  return compiled.ok ? { ok: true, program: compiled.program } : compiled;
}

/** `01-aurora-lattice.json` → `{ id: 'aurora-lattice', order: 1 }`. */
export function presetFileId(path: string): { id: string; order: number } {
  const base = path.split('/').pop()!.replace(/\.(json|js)$/, '');
  const match = /^(\d+)-(.*)$/.exec(base);
  return match ? { id: match[2]!, order: Number(match[1]) } : { id: base, order: Number.MAX_SAFE_INTEGER };
}

function splitTags(tags: string | undefined): string[] {
  return tags ? tags.split(',').map((t) => t.trim()).filter(Boolean) : [];
}
