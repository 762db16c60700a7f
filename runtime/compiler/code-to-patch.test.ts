import { parse, type Node } from 'acorn';
import { simple } from 'acorn-walk';
import { describe, expect, it } from 'vitest';
import { hydraCore } from '../../plugins/hydra-core/manifest';
import { starterPresets } from '../../presets/index';
import { PATCH_LIMITS, type Patch } from '../patch/schema';
import { createRegistry } from '../plugin/registry';
import { instrument } from '../sandbox/instrument';
import { canonicalPatch } from './canonical';
import { codeToPatch } from './code-to-patch';
import { compilePatch } from './compile';

const registry = createRegistry([hydraCore]);
const patchPresets = starterPresets.flatMap((p) => (p.kind === 'patch' ? [[p.id, p.patch] as const] : []));
const codePresets = starterPresets.flatMap((p) => (p.kind === 'code' ? [[p.id, p.code] as const] : []));

function read(code: string, hint?: Patch): Patch {
  const result = codeToPatch(code, registry, hint ? { hint } : {});
  if (!result.ok) expect.fail(result.issues.map((i) => `${i.message} (line ${i.line})`).join('\n'));
  expect(result.issues).toEqual([]);
  return result.patch;
}

const compile = (patch: Patch) => {
  const result = compilePatch(patch, registry);
  expect(result.issues).toEqual([]);
  return result.code;
};

/** Every function and method name the code calls: what a rewrite must not add or lose. */
function calledNames(code: string): string[] {
  const names = new Set<string>();
  simple(parse(code, { ecmaVersion: 'latest' }), {
    CallExpression(node: Node) {
      const callee = (node as Node & { callee: Node & { name?: string; property?: { name?: string } } }).callee;
      const name = callee.type === 'Identifier' ? callee.name : callee.property?.name;
      if (name) names.add(name);
    },
  });
  return [...names].sort();
}

describe('starter patches: patch → code → patch', () => {
  it('has starter patches to check', () => expect(patchPresets.length).toBeGreaterThanOrEqual(8));

  it.each(patchPresets)('%s comes back as its canonical form, exactly', (_id, patch) => {
    const result = read(compile(patch), patch);
    expect(result).toEqual(canonicalPatch(patch, registry));
    expect(JSON.stringify(result)).toBe(JSON.stringify(canonicalPatch(patch, registry)));
  });

  it.each(patchPresets)('%s: its code is a fixed point, with and without the hint', (_id, patch) => {
    const code = compile(patch);
    expect(compile(read(code, patch))).toBe(code);
    expect(compile(read(code))).toBe(code);
  });

  it.each(patchPresets)('%s: reading the code again with its own result as hint changes nothing', (_id, patch) => {
    const once = read(compile(patch));
    expect(read(compile(once), once)).toEqual(once);
  });
});

/** Hand-written programs in the compiler's own layout, so each must come back character for character. */
const CORPUS: Record<string, string> = {
  chain: 'osc(10, 0.2)\n  .kaleid(5)\n  .rotate(0, 0.1)\n  .out()\n',
  feedback: 'src(o0)\n  .scale(1.01)\n  .blend(osc(3).modulate(noise(2)), 0.9)\n  .out()\n',
  'feedback between outputs': 'osc(20, 0.1, 1.6)\n  .out()\n\nsrc(o1)\n  .hue(0.01)\n  .layer(src(o0).mask(shape(4)))\n  .out(o1)\n\nrender(o1)\n',
  'nested combines': 'osc()\n  .blend(noise(3).diff(voronoi(8).mult(shape(4).add(gradient(), 0.5))), 0.3)\n  .modulateScale(osc(2).modulate(src(o0), 0.2), 0.6)\n  .out()\n',
  'arrays and .fast()': 'shape([3, 4, 5].fast(2), 0.5)\n  .scale([1, 1.5, -2])\n  .out(o2)\n',
  'negative numbers and exponents': 'osc(-4, -0.02, 1e+21)\n  .scrollX(-0.5, 1.5e-7)\n  .out()\n',
  'expressions': 'osc(() => Math.sin(time) * 10, time, mouse.x / 100)\n  .rotate(1 + 2)\n  .out()\n',
  lfos: 'osc(() => 0.5 + 2 * Math.sin(time * 0.3 * Math.PI * 2))\n  .rotate(() => ((time) % 1 * 2 - 1))\n  .scale(() => 1 + 0.2 * (1 - 4 * Math.abs(((time * 0.5) + 0.25) % 1 - 0.5)))\n  .out()\n',
  'external source': 'src(s0)\n  .saturate(1.5)\n  .out()\n\nsrc(s3)\n  .out(o1)\n',
  'unknown source function': 'myTex(3)\n  .kaleid(5)\n  .out()\n',
  'setFunction effect in a chain': 'setFunction({ name: "warm", type: "color", inputs: [], glsl: "return _c0;" })\n\nosc()\n  .warm()\n  .kaleid()\n  .out()\n',
  'outputs as textures': 'osc()\n  .modulate(o1, 0.2)\n  .out()\n',
  statements: 'speed = 2\nbpm = 120\n\nosc(() => a.fft[0] * 10)\n  .out()\n\nfor (let i = 1; i < 3; i++) {\n  // one output a step\n  noise(i).out(window["o" + i])\n}\n\nrender()\n',
  'output o3 and explicit defaults in the middle': 'solid(0, 0, 1)\n  .out(o3)\n\nrender(o3)\n',
};

describe('hand-written code: code → patch → code', () => {
  it.each(Object.entries(CORPUS))('%s is a fixed point', (_name, code) => {
    const patch = read(code);
    expect(compile(patch)).toBe(code);
    expect(read(code, patch)).toEqual(patch);
  });

  it('reads feedback as src nodes and nested combines as edges into their texture input', () => {
    const patch = read(CORPUS['nested combines']!);
    const types = (port: string) => patch.edges.filter((e) => e.to.port === port).map((e) => patch.nodes.find((n) => n.id === e.from.node)!.type.slice(11));
    // blend ← diff ← mult ← add ← gradient, and modulateScale ← modulate ← src(o0)
    expect(types('texture').sort()).toEqual(['add', 'diff', 'gradient', 'modulate', 'mult', 'src']);
    expect(types('in').sort()).toEqual(['blend', 'modulateScale', 'noise', 'osc', 'osc', 'shape', 'voronoi']);
    expect(patch.nodes.find((n) => n.type === 'hydra-core/src')?.params).toBeUndefined(); // src(o0): o0 is the default
  });

  it('keeps `[3, 4, 5].fast(2)` as an expression and plain lists as number lists', () => {
    const patch = read(CORPUS['arrays and .fast()']!);
    expect(patch.nodes.find((n) => n.type === 'hydra-core/shape')!.params).toEqual({ sides: { expr: '[3, 4, 5].fast(2)' }, radius: 0.5 });
    expect(patch.nodes.find((n) => n.type === 'hydra-core/scale')!.params).toEqual({ amount: [1, 1.5, -2] });
  });
});

describe('starter code presets', () => {
  it('has starter code presets to check', () => expect(codePresets.length).toBeGreaterThanOrEqual(8));

  it.each(codePresets)('%s reads without errors and compiles back to the same program', (_id, code) => {
    const result = codeToPatch(code, registry);
    if (!result.ok) expect.fail(result.issues.map((i) => i.message).join('\n'));
    expect(result.issues.filter((i) => i.severity === 'error')).toEqual([]);
    const back = compile(result.patch);
    const checked = instrument(back, 'guard');
    expect(checked.ok).toBe(true);
    expect(calledNames(back)).toEqual(calledNames(code));
    // and that rewrite is stable
    expect(compile(read(back))).toBe(back);
  });

  it('turns every chain of the presets into function nodes, with no code nodes needed', () => {
    for (const [id, code] of codePresets) {
      const result = codeToPatch(code, registry);
      expect(result.ok && result.patch.nodes.filter((n) => n.type === 'hydra-core/code'), id).toEqual([]);
    }
  });
});

describe('code that cannot become a patch', () => {
  it('reports a syntax error at its line and column, as the sandbox words it, and gives no patch', () => {
    const code = 'osc(10)\n  .kaleid(4))\n  .out()\n';
    const result = codeToPatch(code, registry);
    const sandbox = instrument(code, 'guard');
    expect(sandbox.ok).toBe(false);
    if (sandbox.ok) return;
    expect(result).toEqual({ ok: false, issues: [{ severity: 'error', code: 'syntax-error', message: sandbox.message, line: sandbox.line, column: sandbox.column }] });
    expect(sandbox.message).toMatch(/^Syntax error: /);
    expect(sandbox.line).toBe(2);
  });

  it('refuses characters the compiler reserves, with their place', () => {
    const result = codeToPatch('osc()\n  .out() // \uE001\n', registry);
    expect(result.ok).toBe(false);
    expect(result.issues[0]).toMatchObject({ code: 'reserved-character', line: 2, column: 13 });
  });

  it('refuses a statement or an expression longer than a patch can hold', () => {
    const long = `x = "${'a'.repeat(PATCH_LIMITS.textLength)}"`;
    expect(codeToPatch(`osc().out()\n${long}\n`, registry).issues).toEqual([
      expect.objectContaining({ severity: 'error', code: 'code-too-long', line: 2, column: 1 }),
    ]);
    const arg = `() => ${'1 + '.repeat(PATCH_LIMITS.exprLength / 4)}1`;
    expect(codeToPatch(`speed = 1\nosc(${arg}).out()`, registry)).toMatchObject({ ok: false, issues: [{ code: 'code-too-long', line: 2, column: 1 }] });
    expect(codeToPatch(`${'x'.repeat(PATCH_LIMITS.textLength + 1)}.out()`, registry)).toMatchObject({ ok: false, issues: [{ code: 'code-too-long', line: 1, column: 1 }] });
  });

  it('needs the code and script nodes of hydra-core', () => {
    const bare = createRegistry([{ ...hydraCore, nodes: hydraCore.nodes!.filter((n) => !n.type.endsWith('/code') && !n.type.endsWith('/script')) }]);
    expect(codeToPatch('osc().out()', bare)).toMatchObject({ ok: false, issues: [{ code: 'code-nodes-missing' }] });
  });

  it('reads empty code, and code that is only comments, as an empty patch', () => {
    for (const code of ['', '\n\n', '// nothing yet\n/* still nothing */']) {
      expect(codeToPatch(code, registry)).toEqual({ ok: true, patch: { version: 1, nodes: [], edges: [] }, issues: [] });
    }
  });
});
