import { describe, expect, it } from 'vitest';
import { hydraCore } from '../plugins/hydra-core/manifest';
import { compilePatch } from '../runtime/compiler/compile';
import { createRegistry } from '../runtime/plugin/registry';
import { presetToProgram } from '../runtime/presets/preset';
import { instrument } from '../runtime/sandbox/instrument';
import { starterPresets } from './index';

const registry = createRegistry([hydraCore]);
const REQUIRED_TAGS = ['sources', 'geometry', 'colour', 'blending', 'modulation', 'feedback'];

describe('starter presets', () => {
  it('has at least 16 presets, at least 8 of each kind', () => {
    expect(starterPresets.length).toBeGreaterThanOrEqual(16);
    expect(starterPresets.filter((p) => p.kind === 'patch').length).toBeGreaterThanOrEqual(8);
    expect(starterPresets.filter((p) => p.kind === 'code').length).toBeGreaterThanOrEqual(8);
  });

  it('has unique ids and names', () => {
    const ids = starterPresets.map((p) => p.id);
    const names = starterPresets.map((p) => p.name);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(starterPresets.map((p) => [p.id, p] as const))('%s has a name, a description, tags and an author', (_id, preset) => {
    expect(preset.name.trim()).not.toBe('');
    expect(preset.name).not.toBe(preset.id);
    expect(preset.description?.trim() ?? '').not.toBe('');
    expect(preset.tags.length).toBeGreaterThan(0);
    for (const tag of preset.tags) expect(REQUIRED_TAGS).toContain(tag);
    expect(preset.author).toBe('Patchroom');
  });

  it.each(starterPresets.filter((p) => p.kind === 'patch').map((p) => [p.id, p] as const))(
    'patch preset %s compiles without issues',
    (_id, preset) => {
      const result = presetToProgram(preset, registry);
      if (!result.ok) expect.fail(result.issues.map((i) => i.message).join('\n'));
      expect(result.program.code).toMatch(/\.out\(/);
      expect(instrument(result.program.code, 'g').ok).toBe(true);
      if (preset.kind === 'patch') expect(compilePatch(preset.patch, registry).issues).toEqual([]);
    },
  );

  it.each(starterPresets.filter((p) => p.kind === 'code').map((p) => [p.id, p] as const))(
    'code preset %s parses as JavaScript',
    (_id, preset) => {
      if (preset.kind !== 'code') throw new Error('not a code preset');
      const result = instrument(preset.code, 'g');
      if (!result.ok) expect.fail(`${result.message} (line ${result.line})`);
      expect(result.ok).toBe(true);
      expect(preset.code).toMatch(/\.out\(/);
      expect(preset.code).not.toMatch(/\b(initVideo|initCam|initImage|initScreen|initStream|loadScript|a\.fft)\b/);
    },
  );

  it('covers every topic between them', () => {
    const tags = new Set(starterPresets.flatMap((p) => p.tags));
    for (const tag of REQUIRED_TAGS) expect(tags).toContain(tag);
  });

  it('uses src feedback and render(o1) somewhere', () => {
    const code = starterPresets.map((p) => {
      const compiled = presetToProgram(p, registry);
      return compiled.ok ? compiled.program.code : '';
    });
    expect(code.some((c) => /src\(o[01]\)/.test(c))).toBe(true);
    expect(code.some((c) => /render\(o1\)/.test(c))).toBe(true);
  });
});
