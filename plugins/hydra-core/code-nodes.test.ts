import { describe, expect, it } from 'vitest';
import { compilePatch } from '../../runtime/compiler/compile';
import { PATCH_LIMITS, type Patch, type PatchNode } from '../../runtime/patch/schema';
import { validatePatch } from '../../runtime/patch/validate';
import { createRegistry } from '../../runtime/plugin/registry';
import { hydraCore } from './manifest';

const registry = createRegistry([hydraCore]);
const link = (from: string, to: string, port = 'in') => ({ from: { node: from, port: 'out' }, to: { node: to, port } });
const compile = (nodes: PatchNode[], edges: Patch['edges'] = []) => compilePatch({ version: 1, nodes, edges }, registry);
const code = (id: string, text: string): PatchNode => ({ id, type: 'hydra-core/code', params: { code: text } });
const script = (id: string, text: string): PatchNode => ({ id, type: 'hydra-core/script', params: { code: text } });

describe('hydra-core code node', () => {
  it('is a texture source holding one expression, with a length cap', () => {
    const def = registry.node('hydra-core/code')!;
    expect(def.kind).toBe('source');
    expect(def.inputs).toEqual([]);
    expect(def.outputs).toEqual([{ id: 'out', type: 'texture', label: 'texture' }]);
    expect(def.params).toEqual([{ id: 'code', type: 'text', label: 'expression', default: '', maxLength: PATCH_LIMITS.textLength }]);
  });

  it('compiles to its expression verbatim, feeding the chain after it', () => {
    const result = compile([code('c', 'myTex(3)'), { id: 'k', type: 'hydra-core/kaleid' }, { id: 'o', type: 'hydra-core/out' }], [link('c', 'k'), link('k', 'o')]);
    expect(result.issues).toEqual([]);
    expect(result.code).toBe('myTex(3)\n  .kaleid()\n  .out()\n');
    expect(result.nodeLines.c).toBe(1);
  });

  it('wraps an expression a method call cannot follow as it is, and gives solid() when empty', () => {
    const cases: Array<[string, string]> = [
      ['a || b', '(a || b)'],
      ['5', '(5)'],
      ['new Tex()', '(new Tex())'],
      ['o1', 'o1'],
      ['(a || b)', '(a || b)'],
      ['src(o0).myFx(2)', 'src(o0).myFx(2)'],
      ["'str'", "'str'"],
      ['  ', 'solid()'],
      ['osc(', 'osc('],
    ];
    for (const [text, expected] of cases) {
      const result = compile([code('c', text), { id: 'o', type: 'hydra-core/out' }], [link('c', 'o')]);
      expect(result.code, text).toBe(`${expected}\n  .out()\n`);
    }
  });

  it('can stand as the second texture of a combine', () => {
    const result = compile([{ id: 'a', type: 'hydra-core/osc' }, code('c', 'o1'), { id: 'b', type: 'hydra-core/blend' }, { id: 'o', type: 'hydra-core/out' }], [link('a', 'b'), link('c', 'b', 'texture'), link('b', 'o')]);
    expect(result.code).toBe('osc()\n  .blend(o1)\n  .out()\n');
  });
});

describe('hydra-core script node', () => {
  it('is an output node holding statements, with a length cap', () => {
    const def = registry.node('hydra-core/script')!;
    expect(def.kind).toBe('output');
    expect(def.inputs).toEqual([]);
    expect(def.outputs).toEqual([]);
    expect(def.params).toEqual([{ id: 'code', type: 'text', label: 'statements', default: '', maxLength: PATCH_LIMITS.textLength }]);
  });

  it('compiles to its statements verbatim, in node-id order among the other outputs', () => {
    const result = compile(
      [script('s3', 'render(o1)'), { id: 'a', type: 'hydra-core/osc' }, { id: 's2', type: 'hydra-core/out', params: { output: 'o1' } }, script('s1', '  speed = 2\n// slow\nbpm = 60\n')],
      [link('a', 's2')],
    );
    expect(result.issues).toEqual([]);
    expect(result.code).toBe('speed = 2\n// slow\nbpm = 60\n\nosc()\n  .out(o1)\n\nrender(o1)\n');
    expect(result.nodeLines).toMatchObject({ s1: 1, s2: 6, s3: 8 });
  });

  it('compiles to nothing when empty, which is reported like an unconnected output', () => {
    const result = compile([script('s', ' ')]);
    expect(result.code).toBe('');
    expect(result.issues.map((i) => i.code)).toEqual(['output-unconnected']);
  });

  it('refuses text longer than its cap', () => {
    const issues = validatePatch({ version: 1, nodes: [script('s', 'x'.repeat(PATCH_LIMITS.textLength + 1))], edges: [] }, registry);
    expect(issues.map((i) => i.code)).toEqual(['bad-param']);
  });
});
