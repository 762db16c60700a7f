import { describe, expect, it } from 'vitest';
import type { Patch } from '../../runtime/patch/schema';
import { autoArrange } from './auto-arrange';

const edge = (from: string, to: string, port = 'in') => ({ from: { node: from, port: 'out' }, to: { node: to, port } });

describe('autoArrange', () => {
  it('puts each node in the column of its longest path and stacks columns without overlap', () => {
    const patch: Patch = {
      version: 1,
      nodes: ['out', 'blend', 'noise', 'osc', 'kaleid'].map((id) => ({ id, type: `t/${id}` })),
      edges: [edge('osc', 'kaleid'), edge('kaleid', 'blend'), edge('noise', 'blend', 'texture'), edge('blend', 'out')],
    };
    const at = autoArrange(patch, () => 100);
    expect(at.get('osc')?.x).toBe(0);
    expect(at.get('noise')?.x).toBe(0);
    expect(at.get('kaleid')?.x).toBe(280);
    expect(at.get('blend')?.x).toBe(560);
    expect(at.get('out')?.x).toBe(840);
    expect(Math.abs(at.get('osc')!.y - at.get('noise')!.y)).toBeGreaterThanOrEqual(128);
  });

  it('does not loop on a cycle', () => {
    const patch: Patch = { version: 1, nodes: [{ id: 'a', type: 't/a' }, { id: 'b', type: 't/b' }], edges: [edge('a', 'b'), edge('b', 'a')] };
    expect(autoArrange(patch, () => 50).size).toBe(2);
  });
});
