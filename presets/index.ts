import { codePreset, patchPreset, presetFileId, type Preset } from '../runtime/presets/preset';

const patchFiles = import.meta.glob<unknown>('./patches/*.json', { eager: true, import: 'default' });
const codeFiles = import.meta.glob<string>('./code/*.js', { eager: true, query: '?raw', import: 'default' });

/**
 * The starter presets, in their file-name order (`NN-name.json` / `NN-name.js`). Bundled into the
 * player so it works offline; the library seeds itself from the same files.
 */
export const starterPresets: Preset[] = [
  ...Object.entries(patchFiles).map(([path, json]) => ({ ...presetFileId(path), make: () => patchPreset(presetFileId(path).id, json) })),
  ...Object.entries(codeFiles).map(([path, source]) => ({ ...presetFileId(path), make: () => codePreset(presetFileId(path).id, source) })),
]
  .sort((a, b) => a.order - b.order || a.id.localeCompare(b.id))
  .map((entry) => entry.make());
