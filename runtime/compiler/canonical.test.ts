import { describe, expect, it } from 'vitest';
import { hydraCore } from '../../plugins/hydra-core/manifest';
import type { Patch } from '../patch/schema';
import { createRegistry } from '../plugin/registry';
import { canonicalPatch } from './canonical';
import { compilePatch } from './compile';

const registry = createRegistry([hydraCore]);
const edge = (from: string, to: string, port = 'in', fromPort = 'out') => ({ from: { node: from, port: fromPort }, to: { node: to, port } });

const messy: Patch = {
  version: 1,
  name: 'Messy',
  nodes: [
    { id: 'out10', type: 'hydra-core/out', params: { output: 'o0' } },
    { id: 'n2', type: 'hydra-core/osc', params: { offset: 0.5, frequency: 60, sync: 0.2 }, position: { x: 1, y: 2 } },
    { id: 'out2', type: 'hydra-core/out', params: { output: 'o1' } },
    { id: 'n10', type: 'hydra-core/blend', params: { amount: 0.5 } },
    { id: 'lfo', type: 'hydra-core/lfo', params: { shape: 'sine', rate: [1, 2], amplitude: { expr: '1' } } },
    { id: 'x', type: 'other/thing', params: { b: 1, a: 2 } },
  ],
  edges: [edge('n10', 'out10'), edge('n2', 'n10', 'texture'), edge('n2', 'out2'), edge('n2', 'n10'), edge('lfo', 'n10', 'amount', 'value')],
};

describe('canonicalPatch', () => {
  it('drops parameters equal to their default, orders the rest as the node defines them, and sorts nodes and edges', () => {
    expect(canonicalPatch(messy, registry)).toEqual({
      version: 1,
      name: 'Messy',
      nodes: [
        { id: 'lfo', type: 'hydra-core/lfo', params: { rate: [1, 2], amplitude: { expr: '1' } } },
        { id: 'n2', type: 'hydra-core/osc', params: { sync: 0.2, offset: 0.5 }, position: { x: 1, y: 2 } },
        { id: 'n10', type: 'hydra-core/blend' },
        { id: 'out2', type: 'hydra-core/out', params: { output: 'o1' } },
        { id: 'out10', type: 'hydra-core/out' },
        { id: 'x', type: 'other/thing', params: { a: 2, b: 1 } },
      ],
      edges: [edge('lfo', 'n10', 'amount', 'value'), edge('n2', 'n10'), edge('n2', 'n10', 'texture'), edge('n2', 'out2'), edge('n10', 'out10')],
    });
    expect(Object.keys(canonicalPatch(messy, registry).nodes[1]!.params!)).toEqual(['sync', 'offset']);
  });

  it('is idempotent, leaves its input alone, and does not change what the patch compiles to', () => {
    const before = structuredClone(messy);
    const once = canonicalPatch(messy, registry);
    expect(messy).toEqual(before);
    expect(canonicalPatch(once, registry)).toEqual(once);
    const known = { ...messy, nodes: messy.nodes.filter((n) => n.id !== 'x') };
    expect(compilePatch(canonicalPatch(known, registry), registry).code).toBe(compilePatch(known, registry).code);
  });

  it('gives the same form for patches that differ only in order and in spelled-out defaults', () => {
    const shuffled: Patch = { ...messy, nodes: [...messy.nodes].reverse(), edges: [...messy.edges].reverse() };
    const spelled: Patch = { ...messy, nodes: messy.nodes.map((n) => (n.id === 'n10' ? { id: 'n10', type: 'hydra-core/blend' } : n)) };
    expect(canonicalPatch(shuffled, registry)).toEqual(canonicalPatch(messy, registry));
    expect(canonicalPatch(spelled, registry)).toEqual(canonicalPatch(messy, registry));
  });
});
