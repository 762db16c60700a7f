import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hydraCore } from '../../plugins/hydra-core/manifest';
import { createRegistry } from '../../runtime/plugin/registry';
import type { FullPreset } from './library-api';
import { libraryPreset } from './library-preset';

const registry = createRegistry([hydraCore]);
const base: Omit<FullPreset, 'presetKind'> = { id: 's_x', kind: 'preset', title: 'Ember Weave', description: 'warm', tags: ['sources'], source: null, licence: null, createdBy: null, createdAt: 0, author: 'Patchroom', builtin: true };
const emberPatch = (JSON.parse(readFileSync(join(import.meta.dirname, '../../presets/patches/01-ember-weave.json'), 'utf8')) as { patch: unknown }).patch;

describe('library presets become studio presets', () => {
  it('a patch preset, validated', () => {
    const read = libraryPreset({ ...base, presetKind: 'patch', patch: emberPatch }, registry);
    expect(read.ok).toBe(true);
    if (read.ok && read.preset.kind === 'patch') {
      expect(read.preset).toMatchObject({ id: 's_x', name: 'Ember Weave', description: 'warm', author: 'Patchroom', tags: ['sources'] });
      expect(read.preset.patch.nodes.length).toBeGreaterThan(1);
    }
  });

  it('a code preset', () => {
    expect(libraryPreset({ ...base, presetKind: 'code', code: 'osc().out()' }, registry)).toMatchObject({ ok: true, preset: { kind: 'code', code: 'osc().out()' } });
  });

  it('refuses, with the reason, a patch the studio cannot run (saved presets come from other people)', () => {
    const broken = libraryPreset({ ...base, presetKind: 'patch', patch: { version: 1, nodes: [{ id: 'a', type: 'nope/unknown', params: {}, position: { x: 0, y: 0 } }], edges: [] } }, registry);
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.message).toMatch(/^“Ember Weave” cannot be opened: /);
    expect(libraryPreset({ ...base, presetKind: 'patch' }, registry)).toEqual({ ok: false, message: '“Ember Weave” has no patch.' });
    expect(libraryPreset({ ...base, presetKind: 'code' }, registry)).toEqual({ ok: false, message: '“Ember Weave” has no code.' });
  });
});
