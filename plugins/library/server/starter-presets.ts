import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../../runtime/plugin/server';
import { codePreset, patchPreset, presetFileId, type Preset } from '../../../runtime/presets/preset';
import { normaliseTag, type PresetInput } from './item-input';

/** Library ids of starter presets: stable across restarts, so re-seeding updates rather than duplicates. */
export const starterId = (presetId: string) => `s_${presetId}`;

/**
 * Reads the starter presets the player bundles (`patches/*.json`, `code/*.js`) with the same parsers
 * the player uses. A file that does not parse is logged and left out; the rest still seed.
 */
export function readStarterPresets(dir: string, log: Logger): Array<PresetInput & { id: string; author: string }> {
  if (!existsSync(dir)) {
    log.warn('no starter presets to seed', { dir });
    return [];
  }
  const presets: Preset[] = [];
  for (const [folder, parse] of [
    ['patches', (id: string, text: string) => patchPreset(id, JSON.parse(text))],
    ['code', (id: string, text: string) => codePreset(id, text)],
  ] as const) {
    const at = join(dir, folder);
    if (!existsSync(at)) continue;
    for (const file of readdirSync(at).filter((f) => /\.(json|js)$/.test(f)).sort()) {
      try {
        presets.push(parse(presetFileId(file).id, readFileSync(join(at, file), 'utf8')));
      } catch (error) {
        log.error('starter preset left out', { file: join(at, file), error: (error as Error).message });
      }
    }
  }
  return presets.map((preset) => ({
    id: starterId(preset.id),
    title: preset.name,
    description: preset.description ?? '',
    tags: [...new Set(preset.tags.map(normaliseTag))],
    author: preset.author ?? '',
    presetKind: preset.kind,
    body: preset.kind === 'code' ? preset.code : preset.patch,
  }));
}
