import { describe, expect, it } from 'vitest';
import { hydraCore } from '../../plugins/hydra-core/manifest';
import { compilePatch } from '../../runtime/compiler/compile';
import { createRegistry } from '../../runtime/plugin/registry';
import { upstreamPatch } from '../preview/subgraph';
import { flatten, searchNodes } from './palette-search';
import { formatParamText, parseParamText } from './param-text';

const registry = createRegistry([hydraCore]);

describe('palette search', () => {
  it('finds osc first for "osc", grouped by kind', () => {
    const groups = searchNodes(registry.nodes(), 'osc');
    expect(flatten(groups)[0]?.type).toBe('hydra-core/osc');
    expect(groups.map((g) => g.kind)[0]).toBe('source');
  });

  it('matches keywords and descriptions, and nothing for nonsense', () => {
    expect(flatten(searchNodes(registry.nodes(), 'feedback')).length + flatten(searchNodes(registry.nodes(), 'kaleid')).length).toBeGreaterThan(0);
    expect(searchNodes(registry.nodes(), 'zzzz-nothing')).toEqual([]);
  });

  it('with no query lists every node, sources first and outputs last', () => {
    const groups = searchNodes(registry.nodes(), '');
    expect(flatten(groups)).toHaveLength(registry.nodes().length);
    expect(groups[0]?.kind).toBe('source');
    expect(groups[groups.length - 1]?.kind).toBe('output');
  });
});

describe('parameter text', () => {
  it('reads numbers, sequences and expressions, and refuses broken ones', () => {
    expect(parseParamText(' 4.5 ')).toEqual({ ok: true, value: 4.5 });
    expect(parseParamText('-2e-1')).toEqual({ ok: true, value: -0.2 });
    expect(parseParamText('[1, 2, 3]')).toEqual({ ok: true, value: [1, 2, 3] });
    expect(parseParamText('() => Math.sin(time)')).toEqual({ ok: true, value: { expr: '() => Math.sin(time)' } });
    expect(parseParamText('[1, 2].fast(2)')).toEqual({ ok: true, value: { expr: '[1, 2].fast(2)' } });
    expect(parseParamText('() => (')).toEqual({ ok: false, message: expect.stringContaining('not a valid expression') });
    expect(parseParamText('1); evil(')).toMatchObject({ ok: false });
    expect(parseParamText('')).toMatchObject({ ok: false });
  });

  it('shows stored values as they would be typed', () => {
    expect(formatParamText(undefined, 60)).toBe('60');
    expect(formatParamText([1, 2], 0)).toBe('[1, 2]');
    expect(formatParamText({ expr: 'time' }, 0)).toBe('time');
  });
});

describe('thumbnail subgraph', () => {
  const patch = {
    version: 1,
    nodes: [
      { id: 'osc1', type: 'hydra-core/osc', params: { frequency: 5 } },
      { id: 'noise1', type: 'hydra-core/noise' },
      { id: 'blend1', type: 'hydra-core/blend' },
      { id: 'kaleid1', type: 'hydra-core/kaleid' },
      { id: 'out1', type: 'hydra-core/out' },
      { id: 'lfo1', type: 'hydra-core/lfo' },
    ],
    edges: [
      { from: { node: 'osc1', port: 'out' }, to: { node: 'blend1', port: 'in' } },
      { from: { node: 'noise1', port: 'out' }, to: { node: 'blend1', port: 'texture' } },
      { from: { node: 'blend1', port: 'out' }, to: { node: 'kaleid1', port: 'in' } },
      { from: { node: 'kaleid1', port: 'out' }, to: { node: 'out1', port: 'in' } },
    ],
  };

  it('renders the selected node and what feeds it, nothing downstream', () => {
    const sub = upstreamPatch(patch, 'blend1', registry)!;
    expect(compilePatch(sub, registry).code).toBe('osc(5)\n  .blend(noise())\n  .out()\n');
  });

  it('an output shows its input; an lfo has no picture', () => {
    expect(compilePatch(upstreamPatch(patch, 'out1', registry)!, registry).code).toContain('.kaleid()');
    expect(upstreamPatch(patch, 'lfo1', registry)).toBeUndefined();
  });
});
