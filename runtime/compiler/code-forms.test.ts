import { describe, expect, it } from 'vitest';
import { codeNodes } from '../../plugins/hydra-core/code-nodes';
import { hydraCore } from '../../plugins/hydra-core/manifest';
import { definePlugin } from '../plugin/define';
import { createRegistry } from '../plugin/registry';
import type { NodeDefinition } from '../plugin/types';
import { codeForms } from './code-forms';
import { codeToPatch } from './code-to-patch';

const registry = createRegistry([hydraCore]);
const forms = codeForms(registry);

describe('code forms learnt from the node definitions', () => {
  it('reads sources, effects and combines as calls with their number parameters in order', () => {
    expect(forms.calls('osc', false)).toEqual([
      {
        type: 'hydra-core/osc',
        name: 'osc',
        slots: [
          { kind: 'number', param: 'frequency' },
          { kind: 'number', param: 'sync' },
          { kind: 'number', param: 'offset' },
        ],
        choices: {},
        statement: false,
      },
    ]);
    expect(forms.calls('kaleid', true)).toEqual([{ type: 'hydra-core/kaleid', name: 'kaleid', receiver: 'in', slots: [{ kind: 'number', param: 'nSides' }], choices: {}, statement: false }]);
    expect(forms.calls('mask', true)[0]!.slots).toEqual([{ kind: 'texture', port: 'texture' }]);
    expect(forms.calls('osc', true)).toEqual([]);
    expect(forms.calls('kaleid', false)).toEqual([]);
  });

  it('reads src(o0…o3) as the src node and src(s0…s3) as the external node', () => {
    const src = forms.calls('src', false).map((f) => [f.type, f.slots.map((s) => (s.kind === 'choice' ? s.text : s.kind)).join()]);
    expect(src).toEqual([
      ['hydra-core/src', 'o0'],
      ['hydra-core/src', 'o1'],
      ['hydra-core/src', 'o2'],
      ['hydra-core/src', 'o3'],
      ['hydra-core/external', 's0'],
      ['hydra-core/external', 's1'],
      ['hydra-core/external', 's2'],
      ['hydra-core/external', 's3'],
    ]);
  });

  it('reads out and render as statements, including the spelled-out default .out(o0) and render() for all outputs', () => {
    const out = forms.calls('out', true);
    expect(out.every((f) => f.statement && f.receiver === 'in')).toBe(true);
    expect(out.map((f) => [f.choices.output, f.slots.length])).toEqual([['o0', 0], ['o1', 1], ['o2', 1], ['o3', 1], ['o0', 1]]);
    expect(forms.calls('render', false).map((f) => [f.choices.output, f.slots.length])).toEqual([['o0', 1], ['o1', 1], ['o2', 1], ['o3', 1], ['all', 0]]);
  });

  it('has no call forms for the lfo, code and script nodes', () => {
    for (const name of ['lfo', 'code', 'script', 'external']) {
      expect(forms.calls(name, false), name).toEqual([]);
      expect(forms.calls(name, true), name).toEqual([]);
    }
    expect(forms.hasCodeNodes).toBe(true);
  });

  it('recognises exactly what the lfo compiles to', () => {
    expect(forms.matchValue('() => 0.35 + 0.2 * Math.sin(time * 0.1 * Math.PI * 2)')).toEqual({
      type: 'hydra-core/lfo',
      port: 'value',
      params: { shape: 'sine', rate: 0.1, amplitude: 0.2, offset: 0.35 },
    });
    expect(forms.matchValue('() => Math.sin(time * 0.1 * Math.PI * 3)')).toBeUndefined();
    expect(forms.matchValue('() => Math.sin(time * 0.1 * Math.PI * 2) +')).toBeUndefined();
  });
});

describe('forms follow the compile functions', () => {
  /** A hydra-core whose osc writes its arguments backwards and whose lfo is a plain ramp. */
  const custom: NodeDefinition[] = [
    ...hydraCore.nodes!.filter((n) => !['hydra-core/osc', 'hydra-core/lfo'].includes(n.type)),
    {
      type: 'hydra-core/osc',
      kind: 'source',
      label: 'osc',
      inputs: [],
      outputs: [{ id: 'out', type: 'texture' }],
      params: [
        { id: 'a', type: 'number', default: 1, min: 0, max: 10 },
        { id: 'b', type: 'number', default: 2, min: 0, max: 10 },
      ],
      compile: (ctx) => `osc(${ctx.number('b')}, ${ctx.number('a')})`,
    },
    {
      type: 'hydra-core/lfo',
      kind: 'source',
      label: 'ramp',
      inputs: [],
      outputs: [{ id: 'v', type: 'number' }],
      params: [{ id: 'speed', type: 'number', default: 1, min: 0, max: 10 }],
      compile: (ctx) => `() => time * ${ctx.number('speed')}`,
    },
    {
      type: 'hydra-core/broken',
      kind: 'source',
      label: 'broken',
      inputs: [],
      outputs: [{ id: 'out', type: 'texture' }],
      params: [],
      compile: () => {
        throw new Error('no');
      },
    },
  ];
  const other = createRegistry([definePlugin({ name: 'hydra-core', nodes: custom })]);

  it('maps arguments the way the node writes them, and reads value nodes from their own compile text', () => {
    const result = codeToPatch('osc(5, () => time * 3).out()', other);
    expect(result.ok && result.patch.nodes.map((n) => [n.type, n.params])).toEqual([
      ['hydra-core/lfo', { speed: 3 }],
      ['hydra-core/osc', { b: 5 }],
      ['hydra-core/out', undefined],
    ]);
    expect(result.ok && result.patch.edges[0]).toEqual({ from: { node: 'lfo1', port: 'v' }, to: { node: 'osc1', port: 'a' } });
  });

  it('skips nodes whose compile function throws, and reads nothing into other plugins’ nodes', () => {
    expect(codeForms(other).calls('broken', false)).toEqual([]);
    const extra = definePlugin({ name: 'extra', nodes: [{ ...custom.find((n) => n.type === 'hydra-core/osc')!, type: 'extra/wave', compile: () => 'wave()' }] });
    const mixed = createRegistry([hydraCore, extra]);
    const result = codeToPatch('wave().out()', mixed);
    expect(result.ok && result.patch.nodes.map((n) => n.type)).toEqual(['hydra-core/code', 'hydra-core/out']);
    expect(codeNodes('x').map((n) => n.type)).toEqual(['x/code', 'x/script']);
  });
});
