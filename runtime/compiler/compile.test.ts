import { parse } from 'acorn';
import { describe, expect, it } from 'vitest';
import { hydraCore } from '../../plugins/hydra-core/manifest';
import type { Patch, PatchEdge, PatchNode } from '../patch/schema';
import { definePlugin } from '../plugin/define';
import { createRegistry } from '../plugin/registry';
import { nodeAtLine } from './program';
import { DEFAULT_TEXTURE, compileNodeText, compilePatch, formatNumber, formatValue, patchToProgram } from './compile';

const registry = createRegistry([hydraCore]);
const n = (id: string, type: string, params?: PatchNode['params']): PatchNode => ({ id, type: `hydra-core/${type}`, ...(params ? { params } : {}) });
const e = (from: string, to: string, toPort = 'in', fromPort = 'out'): PatchEdge => ({ from: { node: from, port: fromPort }, to: { node: to, port: toPort } });
const patch = (nodes: PatchNode[], edges: PatchEdge[] = [], name?: string): Patch => ({ version: 1, nodes, edges, ...(name ? { name } : {}) });

function compileOk(p: Patch, reg = registry) {
  const result = compilePatch(p, reg);
  expect(result.issues.filter((i) => i.severity === 'error')).toEqual([]);
  expect(result.ok).toBe(true);
  return result;
}

/** The generated code must be a JavaScript program the hydra editor (and our sandbox) can parse. */
function expectParses(code: string) {
  expect(() => parse(code, { ecmaVersion: 'latest', sourceType: 'script' })).not.toThrow();
}

describe('compilePatch with hydra-core', () => {
  it('lays out osc → kaleid → out one call per line', () => {
    const result = compileOk(patch([n('a', 'osc', { frequency: 10, sync: 0.2 }), n('b', 'kaleid', { nSides: 5 }), n('c', 'out')], [e('a', 'b'), e('b', 'c')]));
    expect(result.code).toBe('osc(10, 0.2)\n  .kaleid(5)\n  .out()\n');
    expect(result.nodeLines).toEqual({ a: 1, b: 2, c: 3 });
    expect(result.issues).toEqual([]);
    expectParses(result.code);
  });

  it('drops trailing arguments equal to their defaults and keeps defaults in the middle', () => {
    const all = compileOk(patch([n('a', 'osc'), n('o', 'out')], [e('a', 'o')]));
    expect(all.code).toBe('osc()\n  .out()\n');
    // offset is set, so frequency and sync (defaults 60, 0.1) must be written to keep its position
    const middle = compileOk(patch([n('a', 'osc', { frequency: 60, offset: 1.5 }), n('o', 'out')], [e('a', 'o')]));
    expect(middle.code).toBe('osc(60, 0.1, 1.5)\n  .out()\n');
    // a stored value equal to the default is dropped like a missing one
    const stored = compileOk(patch([n('a', 'osc', { frequency: 30, sync: 0.1, offset: 0 }), n('o', 'out')], [e('a', 'o')]));
    expect(stored.code).toBe('osc(30)\n  .out()\n');
  });

  it('writes arrays and expressions as given, and never drops them as defaults', () => {
    const result = compileOk(
      patch([n('a', 'osc', { frequency: [10, 20, 30], sync: { expr: ' () => Math.sin(time) ' }, offset: 0 }), n('o', 'out')], [e('a', 'o')]),
    );
    expect(result.code).toBe('osc([10, 20, 30], () => Math.sin(time))\n  .out()\n');
    expectParses(result.code);
  });

  it('inlines the second texture of a combine node on one line', () => {
    const p = patch(
      [n('a', 'osc', { frequency: 10 }), n('nz', 'noise', { scale: 3 }), n('col', 'color', { r: 1, g: 0, b: 0 }), n('bl', 'blend', { amount: 0.7 }), n('o', 'out')],
      [e('a', 'bl'), e('nz', 'col'), e('col', 'bl', 'texture'), e('bl', 'o')],
    );
    const result = compileOk(p);
    expect(result.code).toBe('osc(10)\n  .blend(noise(3).color(1, 0, 0), 0.7)\n  .out()\n');
    expect(result.nodeLines).toEqual({ a: 1, nz: 2, col: 2, bl: 2, o: 3 });
    expectParses(result.code);
  });

  it('drops a combine amount equal to its default, leaving only the texture', () => {
    const result = compileOk(patch([n('a', 'osc'), n('b', 'noise'), n('bl', 'blend', { amount: 0.5 }), n('o', 'out')], [e('a', 'bl'), e('b', 'bl', 'texture'), e('bl', 'o')]));
    expect(result.code).toBe('osc()\n  .blend(noise())\n  .out()\n');
  });

  it('inlines an lfo connected to a number port as an arrow function', () => {
    const p = patch([n('a', 'osc'), n('l', 'lfo', { rate: 0.5, amplitude: 20, offset: 40 }), n('o', 'out')], [e('l', 'a', 'frequency', 'value'), e('a', 'o')]);
    const result = compileOk(p);
    expect(result.code).toBe('osc(() => 40 + 20 * Math.sin(time * 0.5 * Math.PI * 2))\n  .out()\n');
    expect(result.nodeLines).toEqual({ l: 1, a: 1, o: 2 });
    expectParses(result.code);
  });

  it('keeps an expression given to an lfo as one operand', () => {
    const p = patch([n('a', 'osc'), n('l', 'lfo', { rate: { expr: '1 + 1' }, amplitude: { expr: 'a.fft[0] + 1' } }), n('o', 'out')], [
      e('l', 'a', 'frequency', 'value'),
      e('a', 'o'),
    ]);
    const result = compileOk(p);
    expect(result.code).toBe('osc(() => (a.fft[0] + 1) * Math.sin(time * (1 + 1) * Math.PI * 2))\n  .out()\n');
  });

  it('compiles an unconnected effect input to solid()', () => {
    const result = compileOk(patch([n('k', 'kaleid'), n('o', 'out')], [e('k', 'o')]));
    expect(DEFAULT_TEXTURE).toBe('solid()');
    expect(result.code).toBe('solid()\n  .kaleid()\n  .out()\n');
    const combine = compileOk(patch([n('a', 'osc'), n('m', 'modulate'), n('o', 'out')], [e('a', 'm'), e('m', 'o')]));
    expect(combine.code).toBe('osc()\n  .modulate(solid())\n  .out()\n');
  });

  it('writes .out(o1) for outputs other than o0', () => {
    const result = compileOk(patch([n('a', 'noise'), n('o', 'out', { output: 'o1' })], [e('a', 'o')]));
    expect(result.code).toBe('noise()\n  .out(o1)\n');
  });

  it('compiles a render node to render(o1), or render() for all outputs', () => {
    expect(compileOk(patch([n('r', 'render', { output: 'o1' })])).code).toBe('render(o1)\n');
    expect(compileOk(patch([n('r', 'render', { output: 'all' })])).code).toBe('render()\n');
    expect(compileOk(patch([n('r', 'render')])).code).toBe('render(o0)\n');
  });

  it('compiles feedback through the src node as src(o1)', () => {
    const p = patch([n('fb', 'src', { tex: 'o1' }), n('s', 'scale', { amount: 1.01 }), n('o', 'out', { output: 'o1' })], [e('fb', 's'), e('s', 'o')]);
    expect(compileOk(p).code).toBe('src(o1)\n  .scale(1.01)\n  .out(o1)\n');
    expect(compileOk(patch([n('fb', 'src'), n('o', 'out')], [e('fb', 'o')])).code).toBe('src(o0)\n  .out()\n');
  });

  it('compiles an external source as src(s0…s3)', () => {
    expect(compileOk(patch([n('x', 'external', { source: 's2' }), n('o', 'out')], [e('x', 'o')])).code).toBe('src(s2)\n  .out()\n');
  });

  it('orders output statements by natural node id, separated by a blank line', () => {
    const p = patch(
      [n('out10', 'out', { output: 'o2' }), n('out2', 'out', { output: 'o1' }), n('render', 'render', { output: 'all' }), n('a', 'osc'), n('b', 'noise'), n('c', 'voronoi')],
      [e('a', 'out10'), e('b', 'out2')],
    );
    const result = compileOk(p);
    expect(result.code).toBe('noise()\n  .out(o1)\n\nosc()\n  .out(o2)\n\nrender()\n');
    expect(result.nodeLines).toEqual({ b: 1, out2: 2, a: 4, out10: 5, render: 7 });
    // an output with nothing connected is a warning, not an error
    expect(compilePatch(patch([n('o', 'out')]), registry)).toMatchObject({ ok: true, code: '', issues: [{ severity: 'warning', code: 'output-unconnected', node: 'o' }] });
  });

  it('gives identical code for the same patch, also with its nodes and edges shuffled', () => {
    const nodes = [
      n('o1', 'out'),
      n('o01', 'out', { output: 'o1' }),
      n('o2', 'out', { output: 'o2' }),
      n('a', 'osc', { frequency: 5 }),
      n('b', 'noise'),
      n('c', 'blend'),
      n('d', 'shape'),
      n('l', 'lfo', { shape: 'saw' }),
    ];
    const edges = [e('a', 'c'), e('b', 'c', 'texture'), e('c', 'o1'), e('d', 'o01'), e('a', 'o2'), e('l', 'd', 'sides', 'value')];
    const first = compileOk(patch(nodes, edges));
    expect(compileOk(patch(nodes, edges))).toEqual(first);
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const shuffle = <T>(list: T[]) => list.map((x) => [random(), x] as const).sort((p, q) => p[0] - q[0]).map(([, x]) => x);
    for (let i = 0; i < 20; i++) {
      const again = compileOk(patch(shuffle(nodes), shuffle(edges)));
      expect(again.code).toBe(first.code);
      expect(again.nodeLines).toEqual(first.nodeLines);
    }
    expectParses(first.code);
  });

  it('maps each node to the line that holds its own text', () => {
    const p = patch(
      [n('s', 'shape', { sides: 4 }), n('r', 'rotate', { angle: 0.5 }), n('v', 'voronoi'), n('m', 'modulate', { amount: 0.2 }), n('sc', 'scale'), n('o', 'out')],
      [e('s', 'r'), e('r', 'm'), e('v', 'm', 'texture'), e('m', 'sc'), e('sc', 'o')],
    );
    const result = compileOk(p);
    const lines = result.code.split('\n');
    expect(lines[result.nodeLines.s! - 1]).toContain('shape(4)');
    expect(lines[result.nodeLines.r! - 1]).toContain('.rotate(0.5)');
    expect(lines[result.nodeLines.v! - 1]).toContain('voronoi()');
    expect(lines[result.nodeLines.m! - 1]).toContain('.modulate(voronoi(), 0.2)');
    expect(lines[result.nodeLines.sc! - 1]).toContain('.scale()');
    expect(lines[result.nodeLines.o! - 1]).toContain('.out()');
    expect(nodeAtLine({ code: result.code, nodeLines: result.nodeLines }, 2)).toBe('r');
    // no private marker characters leak into the code
    expect(result.code).not.toMatch(/[\uE000-\uE00F]/);
  });

  it('repeats a node that feeds two inputs and maps it to its first line', () => {
    const p = patch([n('a', 'osc'), n('d', 'diff'), n('o', 'out')], [e('a', 'd'), e('a', 'd', 'texture'), e('d', 'o')]);
    const result = compileOk(p);
    expect(result.code).toBe('osc()\n  .diff(osc())\n  .out()\n');
    expect(result.nodeLines.a).toBe(1);
  });

  it('returns ok:false, empty code and the errors when validation fails', () => {
    const result = compilePatch(patch([n('a', 'noise'), n('b', 'osc'), n('o', 'out')], [e('a', 'b', 'frequency'), e('b', 'o')]), registry);
    expect(result.ok).toBe(false);
    expect(result.code).toBe('');
    expect(result.nodeLines).toEqual({});
    expect(result.issues.map((i) => i.code)).toEqual(['port-type-mismatch']);
    expect(patchToProgram(patch([{ id: 'x', type: 'nope' }]), registry)).toEqual({ ok: false, issues: [expect.objectContaining({ code: 'unknown-node-type' })] });
  });

  it('compiles warnings through (an unknown parameter is ignored)', () => {
    const result = compilePatch(patch([n('a', 'osc', { colour: 3 }), n('o', 'out')], [e('a', 'o')]), registry);
    expect(result.ok).toBe(true);
    expect(result.code).toBe('osc()\n  .out()\n');
    expect(result.issues.map((i) => [i.severity, i.code])).toEqual([['warning', 'unknown-param']]);
  });

  it('makes a program that carries the patch name unless one is given', () => {
    const p = patch([n('a', 'osc'), n('o', 'out')], [e('a', 'o')], 'Ember');
    const named = patchToProgram(p, registry);
    expect(named.ok && named.program).toEqual({ code: 'osc()\n  .out()\n', nodeLines: { a: 1, o: 2 }, name: 'Ember' });
    const given = patchToProgram(p, registry, { name: 'Other', presetId: 'x' });
    expect(given.ok && given.program).toMatchObject({ name: 'Other', presetId: 'x' });
  });
});

describe('compilePatch: a node whose compile throws', () => {
  const broken = definePlugin({
    name: 'broken',
    requires: ['hydra-core'],
    nodes: [
      {
        type: 'broken/tint',
        kind: 'effect',
        label: 'tint',
        inputs: [{ id: 'in', type: 'texture' }],
        outputs: [{ id: 'out', type: 'texture' }],
        params: [],
        compile() {
          throw new Error('tint exploded');
        },
      },
      {
        type: 'broken/wobble',
        kind: 'source',
        label: 'wobble',
        inputs: [],
        outputs: [{ id: 'value', type: 'number' }],
        params: [],
        compile() {
          throw new Error('wobble exploded');
        },
      },
      {
        type: 'broken/weird',
        kind: 'source',
        label: 'weird',
        inputs: [],
        outputs: [{ id: 'out', type: 'texture' }],
        params: [],
        compile: () => 42 as unknown as string,
      },
    ],
  });
  const reg = createRegistry([hydraCore, broken]);

  it('reports a warning naming node and plugin and compiles the rest', () => {
    const p = patch([n('a', 'osc'), { id: 't', type: 'broken/tint' }, n('k', 'kaleid'), n('o', 'out'), n('b', 'noise'), n('o2', 'out', { output: 'o1' })], [
      e('a', 't'),
      e('t', 'k'),
      e('k', 'o'),
      e('b', 'o2'),
    ]);
    const result = compilePatch(p, reg);
    expect(result.ok).toBe(true);
    expect(result.code).toBe('solid()\n  .kaleid()\n  .out()\n\nnoise()\n  .out(o1)\n');
    expect(result.issues).toEqual([
      {
        severity: 'warning',
        code: 'node-compile-failed',
        message: 'Node "t" (broken/tint) failed to compile and was left out: tint exploded',
        node: 't',
        plugin: 'broken',
      },
    ]);
    expectParses(result.code);
  });

  it('reports a compile function that returns something other than text', () => {
    const result = compilePatch(patch([{ id: 'w', type: 'broken/weird' }, n('o', 'out')], [e('w', 'o')]), reg);
    expect(result.code).toBe('solid()\n  .out()\n');
    expect(result.issues[0]).toMatchObject({ code: 'node-compile-failed', node: 'w', plugin: 'broken' });
    expect(result.issues[0]!.message).toContain('compile returned number, not a string');
  });

  it('stands a failed number source in with a function, so an lfo fed by it still runs', () => {
    const p = patch([{ id: 'w', type: 'broken/wobble' }, n('l', 'lfo'), n('a', 'osc'), n('o', 'out')], [
      { from: { node: 'w', port: 'value' }, to: { node: 'l', port: 'rate' } },
      e('l', 'a', 'frequency', 'value'),
      e('a', 'o'),
    ]);
    const result = compilePatch(p, reg);
    expect(result.issues.map((i) => [i.code, i.node, i.plugin])).toEqual([['node-compile-failed', 'w', 'broken']]);
    expectParses(result.code);
    // run the program's number function the way hydra does: it must give a number, not throw
    const frequency = /^osc\((.*)\)$/m.exec(result.code)![1]!;
    const value = new Function('time', `return (${frequency})()`)(1.25) as unknown;
    expect(value).toBe(0);
  });
});

describe('formatValue', () => {
  it('formats numbers, arrays and expressions as source text', () => {
    expect(formatValue(1.5)).toBe('1.5');
    expect(formatValue(-0)).toBe('0');
    expect(formatValue([1, -2, 0.25])).toBe('[1, -2, 0.25]');
    expect(formatValue({ expr: '  time  ' })).toBe('time');
    expect(() => formatNumber(Number.NaN)).toThrow(RangeError);
  });
});

describe('compileNodeText', () => {
  it('compiles one node with given text on its connected inputs, laid out inline', () => {
    expect(compileNodeText(registry.node('hydra-core/osc')!, { frequency: 5 })).toBe('osc(5)');
    expect(compileNodeText(registry.node('hydra-core/kaleid')!, {}, { in: 'x' })).toBe('x.kaleid()');
    expect(compileNodeText(registry.node('hydra-core/kaleid')!)).toBe(`${DEFAULT_TEXTURE}.kaleid()`);
    expect(compileNodeText(registry.node('hydra-core/blend')!, { amount: 0.2 }, { in: 'a', texture: 'b' })).toBe('a.blend(b, 0.2)');
    expect(compileNodeText(registry.node('hydra-core/out')!, { output: 'o2' }, { in: 'a' })).toBe('a.out(o2)');
    expect(compileNodeText(registry.node('hydra-core/out')!)).toBe('');
  });
});

describe('statement separation', () => {
  it('puts a semicolon before a statement that would continue the previous one, and maps lines as before', () => {
    const p = patch(
      [
        { id: 's1', type: 'hydra-core/script', params: { code: 'x = 1' } },
        { id: 's2', type: 'hydra-core/code', params: { code: '(a || b)' } },
        { id: 's3', type: 'hydra-core/out' },
        { id: 's4', type: 'hydra-core/script', params: { code: '[o1, o2].forEach((o) => osc().out(o))' } },
      ],
      [e('s2', 's3')],
    );
    const result = compileOk(p);
    expect(result.code).toBe('x = 1\n\n;(a || b)\n  .out()\n\n;[o1, o2].forEach((o) => osc().out(o))\n');
    expect(result.nodeLines).toEqual({ s1: 1, s2: 3, s3: 4, s4: 6 });
    expectParses(result.code);
    expect(parse(result.code, { ecmaVersion: 'latest' }).body.filter((s) => s.type !== 'EmptyStatement')).toHaveLength(3);
  });

  it('needs no semicolon before the first statement', () => {
    const result = compileOk(patch([{ id: 's', type: 'hydra-core/script', params: { code: '[1].forEach(() => {})' } }]));
    expect(result.code).toBe('[1].forEach(() => {})\n');
  });
});
