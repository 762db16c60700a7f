import { describe, expect, it } from 'vitest';
import { hydraCore } from '../../plugins/hydra-core/manifest';
import { starterPresets } from '../../presets/index';
import type { Patch } from '../patch/schema';
import { createRegistry } from '../plugin/registry';
import { definePlugin } from '../plugin/define';
import { canonicalPatch } from './canonical';
import { COLUMN_WIDTH, ROW_HEIGHT } from './code-layout';
import { codeToPatch } from './code-to-patch';
import { compilePatch } from './compile';

const registry = createRegistry([hydraCore]);
const preset = (id: string) => {
  const found = starterPresets.find((p) => p.id === id);
  if (found?.kind !== 'patch') throw new Error(`no patch preset ${id}`);
  return found.patch;
};

function read(code: string, hint?: Patch): Patch {
  const result = codeToPatch(code, registry, hint ? { hint } : {});
  if (!result.ok) expect.fail(result.issues.map((i) => i.message).join('\n'));
  return result.patch;
}

const compile = (patch: Patch) => compilePatch(patch, registry).code;
const byId = (patch: Patch) => new Map(patch.nodes.map((n) => [n.id, n]));
const layoutOf = (patch: Patch) => Object.fromEntries(patch.nodes.map((n) => [n.id, [n.type, n.position]]));

describe('ids and layout without a hint', () => {
  it('numbers output nodes out1, out2… in statement order and other nodes by type', () => {
    const patch = read('speed = 1\nosc(5).out()\nosc(6).kaleid().out(o1)\nrender(o1)');
    expect(patch.nodes.map((n) => [n.id, n.type.slice(11)])).toEqual([
      ['kaleid1', 'kaleid'],
      ['osc1', 'osc'],
      ['osc2', 'osc'],
      ['out1', 'script'],
      ['out2', 'out'],
      ['out3', 'out'],
      ['out4', 'render'],
    ]);
  });

  it('numbers beyond nine in natural order, so the compiler keeps the statements in order', () => {
    const code = Array.from({ length: 12 }, (_, i) => `osc(${i + 1})\n  .out()\n`).join('\n');
    expect(compile(read(code))).toBe(code);
  });

  it('lays chains out left to right by depth, one row a branch, each statement below the one before', () => {
    const patch = read('osc(5).modulate(noise(3).color(1, 0), 0.2).rotate(() => Math.sin(time * Math.PI * 2)).out()\nshape(4).out(o1)');
    const at = (id: string) => byId(patch).get(id)!.position;
    const cell = (column: number, row: number) => ({ x: column * COLUMN_WIDTH, y: row * ROW_HEIGHT });
    expect(at('osc1')).toEqual(cell(0, 0));
    expect(at('noise1')).toEqual(cell(0, 1));
    expect(at('color1')).toEqual(cell(1, 1));
    expect(at('modulate1')).toEqual(cell(2, 0));
    expect(at('lfo1')).toEqual(cell(0, 2));
    expect(at('rotate1')).toEqual(cell(3, 0));
    expect(at('out1')).toEqual(cell(4, 0));
    expect(at('shape1')).toEqual(cell(0, 3));
    expect(at('out2')).toEqual(cell(1, 3));
  });
});

describe('ids and layout with a hint', () => {
  const ember = preset('ember-weave');
  const code = compile(ember);

  it('keeps every id and position when one number in the code changes', () => {
    const edited = read(code.replace('.contrast(1.3)', '.contrast(1.8)'), ember);
    expect(layoutOf(edited)).toEqual(layoutOf(ember));
    expect(byId(edited).get('contrast1')!.params).toEqual({ amount: 1.8 });
  });

  it('keeps the ids and positions of the other nodes when a node is inserted or removed in a chain', () => {
    const inserted = read(code.replace('  .contrast(1.3)', '  .rotate(0.5)\n  .contrast(1.3)'), ember);
    const before = layoutOf(ember);
    const after = layoutOf(inserted);
    expect(after).toMatchObject(before);
    const added = inserted.nodes.find((n) => n.type === 'hydra-core/rotate')!;
    expect(added.id).toBe('rotate1');
    const taken = ember.nodes.map((n) => JSON.stringify(n.position));
    expect(taken).not.toContain(JSON.stringify(added.position));

    const removed = read(code.replace('  .color(1.2, 0.5, 0.2)\n', ''), ember);
    const { color1: _gone, ...rest } = before;
    expect(layoutOf(removed)).toEqual(rest);
  });

  it('splits a node the code uses twice when one of its uses is edited, and keeps it shared otherwise', () => {
    expect(ember.edges.filter((e) => e.from.node === 'noise1')).toHaveLength(2);
    const split = read(code.replace('.blend(noise(3, 0.08)', '.blend(noise(4, 0.08)'), ember);
    const noises = split.nodes.filter((n) => n.type === 'hydra-core/noise');
    expect(noises.map((n) => [n.id, n.params])).toEqual([
      ['noise1', { scale: 3, offset: 0.08 }],
      ['noise2', { scale: 4, offset: 0.08 }],
    ]);
    expect(compile(split)).toBe(code.replace('.blend(noise(3, 0.08)', '.blend(noise(4, 0.08)'));
  });

  it('keeps statement order when statements are added before, between and after, and when they swap', () => {
    const relay = preset('relay-trails');
    const relayCode = compile(relay);
    for (const changed of [`solid(1).out(o3)\n\n${relayCode}`, relayCode.replace('\n\nsrc(o1)', '\n\nspeed = 0.5\n\nsrc(o1)'), `${relayCode}\nvoronoi().out(o2)\n`]) {
      const patch = read(changed, relay);
      expect(compile(patch)).toBe(compile(read(changed)));
      for (const id of ['outSeed', 'outTrails', 'show']) expect(byId(patch).has(id), id).toBe(true);
    }
    const [first, second, third] = relayCode.trimEnd().split('\n\n');
    const swapped = `${second}\n\n${first}\n\n${third}\n`;
    expect(compile(read(swapped, relay))).toBe(swapped);
  });

  it('keeps what the hint did not wire to an output: loose nodes, their edges, unconnected outputs', () => {
    const hint: Patch = {
      version: 1,
      nodes: [
        { id: 'a', type: 'hydra-core/osc', params: { frequency: 3 }, position: { x: 0, y: 0 } },
        { id: 'b', type: 'hydra-core/out', position: { x: 220, y: 0 } },
        { id: 'loose', type: 'hydra-core/noise', position: { x: 0, y: 500 } },
        { id: 'looseFx', type: 'hydra-core/kaleid', position: { x: 220, y: 500 } },
        { id: 'idleOut', type: 'hydra-core/out', params: { output: 'o2' }, position: { x: 440, y: 500 } },
      ],
      edges: [
        { from: { node: 'a', port: 'out' }, to: { node: 'b', port: 'in' } },
        { from: { node: 'loose', port: 'out' }, to: { node: 'looseFx', port: 'in' } },
      ],
    };
    const patch = read('osc(4).out()', hint);
    expect(patch.nodes.map((n) => n.id)).toEqual(['a', 'b', 'idleOut', 'loose', 'looseFx']);
    expect(patch.edges).toHaveLength(2);
    expect(byId(patch).get('a')!.params).toEqual({ frequency: 4 });
  });

  it('keeps an expression the hint stored, even when it reads like an lfo, and keeps unconnected inputs unconnected', () => {
    const lfoText = '() => Math.sin(time * Math.PI * 2)';
    const hint: Patch = {
      version: 1,
      nodes: [
        { id: 'k', type: 'hydra-core/kaleid', params: { nSides: { expr: lfoText } } },
        { id: 'o', type: 'hydra-core/out' },
      ],
      edges: [{ from: { node: 'k', port: 'out' }, to: { node: 'o', port: 'in' } }],
    };
    const code = compile(hint);
    expect(code).toBe(`solid()\n  .kaleid(${lfoText})\n  .out()\n`);
    const patch = read(code, hint);
    expect(patch.nodes.map(({ position: _placed, ...n }) => n)).toEqual(hint.nodes);
    expect(patch.edges).toEqual(hint.edges);
    // without the hint the same code reads as an lfo node and a solid() source
    expect(read(code).nodes.map((n) => n.type.slice(11))).toEqual(['kaleid', 'lfo', 'out', 'solid']);
  });

  it('keeps the values the hint stored under connected inputs, which the code cannot show', () => {
    const lattice = preset('lattice-bloom');
    expect(byId(lattice).get('rotate1')!.params).toEqual({ angle: 0 });
    expect(byId(read(compile(lattice), lattice)).get('rotate1')!.params).toEqual({ angle: 0 });
  });

  it('renumbers the outputs when no id fits between the hint’s, so the statement order holds', () => {
    const hint = read('osc(1).out()\nosc(2).out(o1)');
    const rename: Record<string, string> = { out1: 'a', out2: 'a-1' };
    const crowded: Patch = {
      ...hint,
      nodes: hint.nodes.map((n) => ({ ...n, id: rename[n.id] ?? n.id })),
      edges: hint.edges.map((e) => ({ ...e, to: { ...e.to, node: rename[e.to.node] ?? e.to.node } })),
    };
    const code = 'osc(1).out()\nspeed = 2\nosc(2).out(o1)';
    const patch = read(code, crowded);
    expect(patch.nodes.filter((n) => registry.node(n.type)!.kind === 'output').map((n) => n.id)).toEqual(['out1', 'out2', 'out3']);
    expect(compile(patch)).toBe(compile(read(code)));
    // with room between them the hint's ids stay
    expect(read(code, hint).nodes.filter((n) => registry.node(n.type)!.kind === 'output').map((n) => n.id)).toEqual(['out1', 'out1-1', 'out2']);
  });

  it('keeps other plugins’ nodes that compile to what the code says, with their parameters', () => {
    const video = definePlugin({
      name: 'video',
      nodes: [
        {
          type: 'video/clip',
          kind: 'input',
          label: 'clip',
          inputs: [],
          outputs: [{ id: 'frames', type: 'texture' }],
          params: [
            { id: 'url', type: 'text', default: '', maxLength: 200 },
            { id: 'slot', type: 'choice', default: 's0', options: ['s0', 's1'] },
          ],
          compile: (ctx) => `src(${ctx.choice('slot')})`,
        },
        { type: 'video/level', kind: 'input', label: 'level', inputs: [], outputs: [{ id: 'v', type: 'number' }], params: [], compile: () => '() => a.fft[0]' },
      ],
    });
    const both = createRegistry([hydraCore, video]);
    const hint: Patch = {
      version: 1,
      nodes: [
        { id: 'clip', type: 'video/clip', params: { url: 'https://example.com/a.mp4', slot: 's1' }, position: { x: 0, y: 0 } },
        { id: 'level', type: 'video/level', position: { x: 0, y: 160 } },
        { id: 'k', type: 'hydra-core/kaleid', position: { x: 220, y: 0 } },
        { id: 'o', type: 'hydra-core/out', position: { x: 440, y: 0 } },
      ],
      edges: [
        { from: { node: 'clip', port: 'frames' }, to: { node: 'k', port: 'in' } },
        { from: { node: 'level', port: 'v' }, to: { node: 'k', port: 'nSides' } },
        { from: { node: 'k', port: 'out' }, to: { node: 'o', port: 'in' } },
      ],
    };
    const code = compilePatch(hint, both).code;
    expect(code).toBe('src(s1)\n  .kaleid(() => a.fft[0])\n  .out()\n');
    const same = codeToPatch(code, both, { hint });
    expect(same.ok && same.patch).toEqual(canonicalPatch(hint, both));
    const edited = codeToPatch(code.replace('.out()', '.out(o1)'), both, { hint });
    expect(edited.ok && edited.patch.nodes.map((n) => n.type)).toEqual(['video/clip', 'hydra-core/kaleid', 'video/level', 'hydra-core/out']);
    // once the code says something else, it is read as code says it
    const changed = codeToPatch(code.replace('src(s1)', 'src(s0)').replace('a.fft[0]', 'a.fft[1]'), both, { hint });
    expect(changed.ok && changed.patch.nodes.map((n) => [n.type, n.params])).toEqual([
      ['hydra-core/external', undefined],
      ['hydra-core/kaleid', { nSides: { expr: '() => a.fft[1]' } }],
      ['hydra-core/out', undefined],
    ]);
  });
});
