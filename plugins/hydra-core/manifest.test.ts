import { parse } from 'acorn';
import glslFunctions from 'hydra-synth/src/glsl/glsl-functions.js';
import { describe, expect, it } from 'vitest';
import { compilePatch } from '../../runtime/compiler/compile';
import type { Patch, PatchNode } from '../../runtime/patch/schema';
import { createRegistry } from '../../runtime/plugin/registry';
import type { NumberParamDefinition } from '../../runtime/plugin/types';
import client from './client';
import { hydraCore } from './manifest';
import { sliderRange } from './ranges';

const table = glslFunctions();
const registry = createRegistry([hydraCore]);
const KINDS = { src: 'source', coord: 'effect', color: 'effect', combine: 'combine', combineCoord: 'combine' } as const;

describe('hydra-core: one node per hydra function', () => {
  it('loads into a registry, and the client entry carries the same manifest', () => {
    expect(registry.plugins.map((p) => p.name)).toEqual(['hydra-core']);
    expect(client.manifest).toBe(hydraCore);
  });

  it('has a node for every entry of hydra-synth’s function table, and no other function nodes', () => {
    expect(table.length).toBeGreaterThan(40);
    const names = table.map((fn) => `hydra-core/${fn.name}`).sort();
    const extra = ['hydra-core/out', 'hydra-core/render', 'hydra-core/external', 'hydra-core/lfo', 'hydra-core/code', 'hydra-core/script'];
    expect(registry.nodes().map((d) => d.type).sort()).toEqual([...names, ...extra].sort());
    for (const fn of ['osc', 'noise', 'voronoi', 'shape', 'src', 'kaleid', 'modulate', 'blend', 'colorama', 'sum', 'prev']) {
      expect(registry.node(`hydra-core/${fn}`)?.label).toBe(fn);
    }
  });

  it.each(table.map((fn) => [fn.name, fn] as const))('%s: kind, ports and defaults follow the table', (_name, fn) => {
    const def = registry.node(`hydra-core/${fn.name}`)!;
    expect(def.kind).toBe(KINDS[fn.type]);
    expect(def.outputs).toEqual([{ id: 'out', type: 'texture', label: 'texture' }]);
    const textureInputs = def.inputs.map((p) => [p.id, p.type]);
    if (def.kind === 'source') expect(textureInputs).toEqual([]);
    if (def.kind === 'effect') expect(textureInputs).toEqual([['in', 'texture']]);
    if (def.kind === 'combine') expect(textureInputs).toEqual([['in', 'texture'], ['texture', 'texture']]);

    const floats = fn.inputs.filter((i) => i.type === 'float');
    const numbers = def.params.filter((p): p is NumberParamDefinition => p.type === 'number');
    expect(numbers.map((p) => [p.id, p.default])).toEqual(floats.map((i) => [i.name, i.default]));
    for (const p of numbers) {
      expect(p.min, `${fn.name}.${p.id} min`).toBeLessThanOrEqual(p.default);
      expect(p.max, `${fn.name}.${p.id} max`).toBeGreaterThanOrEqual(p.default);
      expect(p.min).toBeLessThan(p.max);
    }
    // every float input is also a number port, in hydra's argument order
    expect(registry.inputPorts(def.type).filter((p) => p.type === 'number').map((p) => p.id)).toEqual(floats.map((i) => i.name));
  });

  it('gives src a choice of the outputs o0–o3 (feedback), defaulting to o0; s0–s3 are the external node’s', () => {
    const src = registry.node('hydra-core/src')!;
    expect(src.params).toEqual([{ id: 'tex', type: 'choice', label: 'buffer', default: 'o0', options: ['o0', 'o1', 'o2', 'o3'] }]);
    expect(registry.inputPorts('hydra-core/src')).toEqual([]);
  });

  it('describes each function with its hydra signature', () => {
    expect(registry.node('hydra-core/osc')!.description).toBe('Hydra src function: osc(frequency = 60, sync = 0.1, offset = 0)');
    expect(registry.node('hydra-core/blend')!.description).toBe('Hydra combine function: blend(texture, amount = 0.5)');
  });

  it('compiles every function node with its defaults into code that parses', () => {
    for (const fn of table) {
      const node: PatchNode = { id: 'f', type: `hydra-core/${fn.name}` };
      const p: Patch = { version: 1, nodes: [node, { id: 'o', type: 'hydra-core/out' }], edges: [{ from: { node: 'f', port: 'out' }, to: { node: 'o', port: 'in' } }] };
      const result = compilePatch(p, registry);
      expect(result.issues, fn.name).toEqual([]);
      const expected = {
        source: fn.name === 'src' ? 'src(o0)\n  .out()\n' : `${fn.name}()\n  .out()\n`,
        effect: `solid()\n  .${fn.name}()\n  .out()\n`,
        combine: `solid()\n  .${fn.name}(solid())\n  .out()\n`,
      }[KINDS[fn.type]];
      expect(result.code).toBe(expected);
      expect(() => parse(result.code, { ecmaVersion: 'latest' })).not.toThrow();
    }
  });
});

describe('sliderRange', () => {
  it('brackets defaults of every kind', () => {
    for (const [name, def] of [['sides', 3], ['pixelX', 20], ['amount', 0.5], ['offset', 0], ['hue', 0.4], ['frequency', 60], ['angle', -2], ['speed', 0], ['scale', 1000]] as const) {
      const { min, max } = sliderRange(name, def);
      expect(min, name).toBeLessThanOrEqual(def);
      expect(max, name).toBeGreaterThanOrEqual(def);
    }
    expect(sliderRange('sides', 3)).toEqual({ min: 1, max: 20, step: 1 });
    expect(sliderRange('reps', 2)).toEqual({ min: 1, max: 16, step: 1 });
    expect(sliderRange('offset', 0)).toEqual({ min: -1, max: 1, step: 0.001 });
    expect(sliderRange('frequency', 60)).toEqual({ min: 0, max: 500, step: 0.1 });
  });
});

describe('hydra-core structural nodes', () => {
  const compile = (nodes: PatchNode[], edges: Patch['edges'] = []) => compilePatch({ version: 1, nodes, edges }, registry);
  const link = (from: string, fromPort: string, to: string, toPort: string) => ({ from: { node: from, port: fromPort }, to: { node: to, port: toPort } });

  it('out: .out() for o0, .out(oN) otherwise, nothing when unconnected', () => {
    for (const [output, call] of [['o0', 'out()'], ['o1', 'out(o1)'], ['o2', 'out(o2)'], ['o3', 'out(o3)']]) {
      const result = compile([{ id: 'a', type: 'hydra-core/osc' }, { id: 'o', type: 'hydra-core/out', params: { output: output! } }], [link('a', 'out', 'o', 'in')]);
      expect(result.code).toBe(`osc()\n  .${call}\n`);
    }
    expect(compile([{ id: 'o', type: 'hydra-core/out' }]).code).toBe('');
    expect(registry.node('hydra-core/out')!.kind).toBe('output');
  });

  it('render: render(oN), or render() for "all"', () => {
    for (const output of ['o0', 'o1', 'o2', 'o3']) expect(compile([{ id: 'r', type: 'hydra-core/render', params: { output } }]).code).toBe(`render(${output})\n`);
    expect(compile([{ id: 'r', type: 'hydra-core/render', params: { output: 'all' } }]).code).toBe('render()\n');
  });

  it('external: src(s0…s3)', () => {
    for (const source of ['s0', 's1', 's2', 's3']) {
      const result = compile([{ id: 'x', type: 'hydra-core/external', params: { source } }, { id: 'o', type: 'hydra-core/out' }], [link('x', 'out', 'o', 'in')]);
      expect(result.code).toBe(`src(${source})\n  .out()\n`);
    }
  });

  /** The lfo's compiled arrow function, evaluated over time like hydra would. */
  function lfo(params: PatchNode['params']): { code: string; at: (time: number) => number } {
    const result = compile(
      [{ id: 'l', type: 'hydra-core/lfo', params: params ?? {} }, { id: 'a', type: 'hydra-core/osc' }, { id: 'o', type: 'hydra-core/out' }],
      [link('l', 'value', 'a', 'frequency'), link('a', 'out', 'o', 'in')],
    );
    expect(result.issues).toEqual([]);
    const code = /^osc\((.*)\)$/m.exec(result.code)![1]!;
    expect(() => parse(code, { ecmaVersion: 'latest' })).not.toThrow();
    expect(code.startsWith('() => ')).toBe(true);
    return { code, at: (time) => new Function('time', `return (${code})()`)(time) as number };
  }
  const times = Array.from({ length: 400 }, (_, i) => i * 0.0137);

  it.each(['sine', 'saw', 'square', 'triangle'])('lfo %s stays in offset ± amplitude and reaches both ends', (shape) => {
    const { at } = lfo({ shape, amplitude: 2, offset: 1, rate: 1 });
    const values = times.map(at);
    for (const v of values) {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(-1 - 1e-9);
      expect(v).toBeLessThanOrEqual(3 + 1e-9);
    }
    expect(Math.min(...values)).toBeLessThan(-0.9);
    expect(Math.max(...values)).toBeGreaterThan(2.9);
  });

  it('lfo shapes have the documented values at known times (rate 1 Hz)', () => {
    const sine = lfo({ shape: 'sine', rate: 1 });
    expect(sine.at(0)).toBeCloseTo(0);
    expect(sine.at(0.25)).toBeCloseTo(1);
    expect(sine.at(0.75)).toBeCloseTo(-1);
    const saw = lfo({ shape: 'saw', rate: 1 });
    expect(saw.at(0)).toBeCloseTo(-1);
    expect(saw.at(0.5)).toBeCloseTo(0);
    expect(saw.at(0.99)).toBeCloseTo(0.98);
    const square = lfo({ shape: 'square', rate: 1 });
    expect(square.at(0.1)).toBe(1);
    expect(square.at(0.6)).toBe(-1);
    const triangle = lfo({ shape: 'triangle', rate: 1 });
    expect(triangle.at(0)).toBeCloseTo(0);
    expect(triangle.at(0.25)).toBeCloseTo(1);
    expect(triangle.at(0.75)).toBeCloseTo(-1);
  });

  it('an lfo calls function expressions but uses value expressions as they are', () => {
    const fromValue = lfo({ shape: 'square', amplitude: { expr: '[2, 5].map(x => x * 2)[0]' }, rate: 1 });
    expect(fromValue.at(0.1)).toBe(4);
    const fromFunction = lfo({ shape: 'square', amplitude: { expr: '(t) => 3' }, rate: 1 });
    expect(fromFunction.at(0.1)).toBe(3);
  });

  it('lfo rate scales time: the default 0.25 Hz sine peaks at t = 1', () => {
    const { code, at } = lfo(undefined);
    expect(code).toBe('() => Math.sin(time * 0.25 * Math.PI * 2)');
    expect(at(1)).toBeCloseTo(1);
    expect(at(3)).toBeCloseTo(-1);
  });

  it('lfo takes its rate from another lfo, and arrays and expressions as values', () => {
    const result = compile(
      [
        { id: 'l1', type: 'hydra-core/lfo', params: { rate: 1 } },
        { id: 'l2', type: 'hydra-core/lfo', params: { amplitude: [3, 4], offset: { expr: '() => 2' } } },
        { id: 'a', type: 'hydra-core/osc' },
        { id: 'o', type: 'hydra-core/out' },
      ],
      [link('l1', 'value', 'l2', 'rate'), link('l2', 'value', 'a', 'frequency'), link('a', 'out', 'o', 'in')],
    );
    expect(result.issues).toEqual([]);
    const code = /^osc\((.*)\)$/m.exec(result.code)![1]!;
    expect(code).toBe('() => (() => 2)() + [3, 4][0] * Math.sin(time * (() => Math.sin(time * Math.PI * 2))() * Math.PI * 2)');
    const value = new Function('time', `return (${code})()`)(0.3) as number;
    expect(value).toBeCloseTo(2 + 3 * Math.sin(0.3 * Math.sin(0.3 * Math.PI * 2) * Math.PI * 2));
  });
});
