import { describe, expect, it } from 'vitest';
import { hydraCore } from '../../plugins/hydra-core/manifest';
import { createRegistry } from '../plugin/registry';
import { codePreset, patchPreset, presetFileId, presetToProgram } from './preset';

const registry = createRegistry([hydraCore]);

const SKETCH = [
  '// @name Tidal Glass',
  '// @description Slow interference bands, folded.',
  '//   @tags  geometry, colour ,, modulation ',
  '// @author Patchroom',
  '// a plain comment in the header is fine',
  '',
  'osc(18, 0.06, 1.4)',
  '  .kaleid(5)',
  '  .out()',
  '// @name Not This',
].join('\n');

describe('codePreset', () => {
  it('reads @name, @description, @tags and @author from the leading comments', () => {
    expect(codePreset('tidal-glass', SKETCH)).toEqual({
      id: 'tidal-glass',
      kind: 'code',
      code: SKETCH,
      name: 'Tidal Glass',
      description: 'Slow interference bands, folded.',
      tags: ['geometry', 'colour', 'modulation'],
      author: 'Patchroom',
    });
  });

  it('keeps the code unchanged, so it runs as it does in the hydra editor', () => {
    expect(codePreset('x', SKETCH).kind === 'code' && codePreset('x', SKETCH)).toMatchObject({ code: SKETCH });
  });

  it('ignores tags after the code starts', () => {
    const preset = codePreset('late', 'osc().out()\n// @name Too Late\n// @tags x');
    expect(preset).toEqual({ id: 'late', kind: 'code', code: 'osc().out()\n// @name Too Late\n// @tags x', name: 'late', tags: [] });
  });

  it('falls back to the id for the name and leaves out what is missing', () => {
    const preset = codePreset('bare', 'noise().out()');
    expect(preset).toEqual({ id: 'bare', kind: 'code', code: 'noise().out()', name: 'bare', tags: [] });
    expect(preset).not.toHaveProperty('description');
    expect(preset).not.toHaveProperty('author');
  });

  it('reads the header of a file saved with Windows line endings', () => {
    const crlf = SKETCH.replaceAll('\n', '\r\n');
    expect(codePreset('tidal-glass', crlf)).toMatchObject({
      name: 'Tidal Glass',
      description: 'Slow interference bands, folded.',
      tags: ['geometry', 'colour', 'modulation'],
      author: 'Patchroom',
      code: crlf,
    });
  });

  it('runs as a program under its name and id', () => {
    expect(presetToProgram(codePreset('tidal-glass', SKETCH), registry)).toEqual({
      ok: true,
      program: { name: 'Tidal Glass', presetId: 'tidal-glass', code: SKETCH },
    });
  });
});

describe('patchPreset', () => {
  const file = {
    name: 'Ember Weave',
    description: 'Noise through a blend.',
    tags: ['sources', 3, 'blending'],
    author: 'Patchroom',
    patch: {
      version: 1,
      nodes: [
        { id: 'a', type: 'hydra-core/noise', params: { scale: 3 } },
        { id: 'o', type: 'hydra-core/out' },
      ],
      edges: [{ from: { node: 'a', port: 'out' }, to: { node: 'o', port: 'in' } }],
    },
  };

  it('reads a preset file, keeping only text tags', () => {
    const preset = patchPreset('ember-weave', file);
    expect(preset).toEqual({
      id: 'ember-weave',
      kind: 'patch',
      name: 'Ember Weave',
      description: 'Noise through a blend.',
      tags: ['sources', 'blending'],
      author: 'Patchroom',
      patch: file.patch,
    });
    expect(presetToProgram(preset, registry)).toEqual({
      ok: true,
      program: { name: 'Ember Weave', presetId: 'ember-weave', code: 'noise(3)\n  .out()\n', nodeLines: { a: 1, o: 2 } },
    });
  });

  it('names the preset after its patch, then its id, when the file has no name', () => {
    expect(patchPreset('x', { patch: { ...file.patch, name: 'From Patch' } }).name).toBe('From Patch');
    expect(patchPreset('x', { patch: file.patch })).toEqual({ id: 'x', kind: 'patch', name: 'x', tags: [], patch: file.patch });
  });

  it('refuses an invalid patch with a message naming the preset and the problem', () => {
    expect(() => patchPreset('broken-one', { name: 'Broken', patch: { version: 1, nodes: [{ id: 'a b', type: 't' }], edges: [] } })).toThrow(
      'Preset "broken-one": nodes[0].id must be 1–64 letters, digits, "_" or "-".',
    );
    expect(() => patchPreset('no-patch', { name: 'Nothing' })).toThrow(/^Preset "no-patch": A patch must be a JSON object/);
    expect(() => patchPreset('null', null)).toThrow(/^Preset "null": /);
    expect(() => patchPreset('future', { patch: { version: 99, nodes: [], edges: [] } })).toThrow(/^Preset "future": .*newer Patchroom/);
  });

  it('lists every problem of the patch in the message', () => {
    const bad = { patch: { version: 1, nodes: [{ id: 'a', type: 't', params: { x: Number.NaN } }, 'junk'], edges: [] } };
    expect(() => patchPreset('two', bad)).toThrow(/^Preset "two": Parameter "x" of node "a" must be a finite number\..*nodes\[1\] must be an object\.$/);
  });

  it('gives the compile issues when its nodes are unknown', () => {
    const preset = patchPreset('alien', { patch: { version: 1, nodes: [{ id: 'a', type: 'other/thing' }], edges: [] } });
    const result = presetToProgram(preset, registry);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues.map((i) => i.code)).toEqual(['unknown-node-type']);
  });
});

describe('presetFileId', () => {
  it.each([
    ['./patches/01-aurora-lattice.json', { id: 'aurora-lattice', order: 1 }],
    ['./code/16-drift-atlas.js', { id: 'drift-atlas', order: 16 }],
    ['/abs/path/007-bond.json', { id: 'bond', order: 7 }],
    ['10-with-2-numbers.js', { id: 'with-2-numbers', order: 10 }],
    ['./code/unnumbered.js', { id: 'unnumbered', order: Number.MAX_SAFE_INTEGER }],
    ['./patches/notes.txt', { id: 'notes.txt', order: Number.MAX_SAFE_INTEGER }],
  ])('reads %s', (path, expected) => {
    expect(presetFileId(path)).toEqual(expected);
  });
});
