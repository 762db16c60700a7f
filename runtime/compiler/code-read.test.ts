import { describe, expect, it } from 'vitest';
import { hydraCore } from '../../plugins/hydra-core/manifest';
import { PATCH_LIMITS, type Patch, type PatchNode } from '../patch/schema';
import { createRegistry } from '../plugin/registry';
import { codeToPatch } from './code-to-patch';
import { compilePatch } from './compile';

const registry = createRegistry([hydraCore]);

function read(code: string): Patch {
  const result = codeToPatch(code, registry);
  if (!result.ok) expect.fail(result.issues.map((i) => i.message).join('\n'));
  expect(result.issues).toEqual([]);
  return result.patch;
}

/** The patch in short: `id:type {params}` per node and `from.port>to.port` per edge, in patch order. */
function outline(code: string): { nodes: string[]; edges: string[] } {
  const patch = read(code);
  const show = (n: PatchNode) => `${n.id}:${n.type.replace('hydra-core/', '')}${n.params ? ` ${JSON.stringify(n.params)}` : ''}`;
  return { nodes: patch.nodes.map(show), edges: patch.edges.map((e) => `${e.from.node}.${e.from.port}>${e.to.node}.${e.to.port}`) };
}

const paramsOf = (code: string, type: string) => read(code).nodes.find((n) => n.type === `hydra-core/${type}`)?.params;
const back = (code: string) => compilePatch(read(code), registry).code;

describe('chains', () => {
  it('reads a chain into nodes joined at their `in` inputs, ending in an out node', () => {
    expect(outline('osc(10, 0.2, 1).kaleid(5).out()')).toEqual({
      nodes: ['kaleid1:kaleid {"nSides":5}', 'osc1:osc {"frequency":10,"sync":0.2,"offset":1}', 'out1:out'],
      edges: ['osc1.out>kaleid1.in', 'kaleid1.out>out1.in'],
    });
  });

  it('maps arguments to number parameters in the order of hydra’s function table, leaving out defaults', () => {
    expect(paramsOf('solid(0.5, 0, 1).out()', 'solid')).toEqual({ r: 0.5, b: 1 });
    expect(paramsOf('noise().scale(2, 1, 3).out()', 'scale')).toEqual({ amount: 2, yMult: 3 });
    expect(paramsOf('osc(60, 0.1, 0).out()', 'osc')).toBeUndefined();
  });

  it('reads the first argument of combine and modulate functions as their second texture', () => {
    expect(outline('osc().blend(noise(3), 0.2).modulate(voronoi(), 0.4).out()').edges).toEqual([
      'osc1.out>blend1.in',
      'noise1.out>blend1.texture',
      'blend1.out>modulate1.in',
      'voronoi1.out>modulate1.texture',
      'modulate1.out>out1.in',
    ]);
  });

  it('reads src(o0…o3) as feedback (src nodes) and src(s0…s3) as external sources', () => {
    expect(paramsOf('src(o2).out()', 'src')).toEqual({ tex: 'o2' });
    expect(outline('src(s1).out()').nodes).toEqual(['external1:external {"source":"s1"}', 'out1:out']);
    expect(outline('src(s0).out()').nodes).toEqual(['external1:external', 'out1:out']);
  });

  it('reads .out(), .out(o0) and .out(o1…o3), and render(), render(oN)', () => {
    expect(outline('osc().out(o0)').nodes).toEqual(['osc1:osc', 'out1:out']);
    expect(outline('osc().out(o3)').nodes).toEqual(['osc1:osc', 'out1:out {"output":"o3"}']);
    expect(outline('render()').nodes).toEqual(['out1:render {"output":"all"}']);
    expect(outline('render(o0)').nodes).toEqual(['out1:render']);
    expect(outline('render(o2)').nodes).toEqual(['out1:render {"output":"o2"}']);
  });
});

describe('arguments', () => {
  it('reads numbers, negative numbers and lists of numbers as values', () => {
    expect(paramsOf('osc(-3, 0.5e-3, -0).out()', 'osc')).toEqual({ frequency: -3, sync: 0.0005 });
    expect(paramsOf('osc([1, -2, 3.5], [0]).out()', 'osc')).toEqual({ frequency: [1, -2, 3.5], sync: [0] });
  });

  it('keeps any other argument as an expression, with its exact source text', () => {
    expect(paramsOf('osc(time, 1+2, () => mouse.x /  100).out()', 'osc')).toEqual({
      frequency: { expr: 'time' },
      sync: { expr: '1+2' },
      offset: { expr: '() => mouse.x /  100' },
    });
    expect(paramsOf('osc([1, 2, 3].fast(2), [], [1, x]).out()', 'osc')).toEqual({
      frequency: { expr: '[1, 2, 3].fast(2)' },
      sync: { expr: '[]' },
      offset: { expr: '[1, x]' },
    });
    expect(paramsOf('osc((1, 2), -x, +3).out()', 'osc')).toEqual({ frequency: { expr: '(1, 2)' }, sync: { expr: '-x' }, offset: { expr: '+3' } });
    expect(paramsOf(`osc([${'1, '.repeat(PATCH_LIMITS.arrayLength)}1]).out()`, 'osc')!.frequency).toHaveProperty('expr');
  });

  const SHAPES = {
    sine: (phase: string) => `Math.sin(${phase} * Math.PI * 2)`,
    saw: (phase: string) => `((${phase}) % 1 * 2 - 1)`,
    square: (phase: string) => `(Math.sin(${phase} * Math.PI * 2) < 0 ? -1 : 1)`,
    triangle: (phase: string) => `(1 - 4 * Math.abs(((${phase}) + 0.25) % 1 - 0.5))`,
  };
  const VARIANTS: Array<[string, (wave: string) => string, Record<string, number>]> = [
    ['plain', (w) => w, {}],
    ['amplitude', (w) => `2 * ${w}`, { amplitude: 2 }],
    ['offset', (w) => `0.5 + ${w}`, { offset: 0.5 }],
    ['both, negative', (w) => `-1 + -3 * ${w}`, { amplitude: -3, offset: -1 }],
  ];
  for (const [shape, wave] of Object.entries(SHAPES)) {
    it.each(VARIANTS)(`reads the lfo's ${shape} arrow function (%s) as an lfo node, at rate 1 and others`, (_name, scale, params) => {
      for (const [phase, rate] of [['time', 1], ['time * 0.3', 0.3], ['time * 0.25', undefined]] as const) {
        const code = `osc(() => ${scale(wave(phase))}).out()`;
        const expected = { ...(shape === 'sine' ? {} : { shape }), ...(rate === undefined ? {} : { rate }), ...params };
        expect(outline(code), code).toEqual({
          nodes: [`lfo1:lfo${Object.keys(expected).length ? ` ${JSON.stringify(expected)}` : ''}`, 'osc1:osc', 'out1:out'],
          edges: ['lfo1.value>osc1.frequency', 'osc1.out>out1.in'],
        });
        expect(back(code)).toBe(`${code.slice(0, -6)}\n  .out()\n`);
      }
    });
  }

  it('reads an lfo written with other spacing, but not arrow functions the lfo does not compile to', () => {
    expect(outline('osc(()=>Math.sin(time*Math.PI*2)).out()').nodes[0]).toBe('lfo1:lfo {"rate":1}');
    for (const fn of ['() => Math.sin(time * 1 * Math.PI * 2)', '() => 1 * Math.sin(time * Math.PI * 2)', '() => 0 + Math.sin(time * Math.PI * 2)', '() => Math.sin(time)', '(t) => Math.sin(time * Math.PI * 2)']) {
      expect(paramsOf(`osc(${fn}).out()`, 'osc'), fn).toEqual({ frequency: { expr: fn } });
    }
  });
});

describe('what stays code', () => {
  it('keeps a texture no node expresses as a code node that feeds the chain after it', () => {
    expect(outline('myTex(3).kaleid(5).out()')).toEqual({
      nodes: ['code1:code {"code":"myTex(3)"}', 'kaleid1:kaleid {"nSides":5}', 'out1:out'],
      edges: ['code1.out>kaleid1.in', 'kaleid1.out>out1.in'],
    });
    expect(outline('o1.out()').nodes).toEqual(['code1:code {"code":"o1"}', 'out1:out']);
    expect(outline('osc().blend(o1).out()').nodes).toContain('code1:code {"code":"o1"}');
  });

  it('keeps the whole chain up to a call it cannot read: unknown methods, extra or spread arguments, a missing src buffer', () => {
    for (const chain of ['osc().myFx(2)', 'osc(1, 2, 3, 4)', 'osc(...args)', 'src()', 'src(buffer)', 'osc().blend()', 'kaleid(4)', 'osc()["kaleid"](4)', 'osc().sum([1, 1, 1, 1])']) {
      expect(outline(`${chain}.out()`).nodes, chain).toEqual([`code1:code ${JSON.stringify({ code: chain })}`, 'out1:out']);
    }
  });

  it('keeps every other statement as script nodes, consecutive ones together, in statement order', () => {
    const code = 'speed = 2\nbpm = 90 // tempo\nosc().out()\na.setBins(4)\nlet x = () => 1;\nif (x()) osc().out(o1)\nrender(o1)\nosc().out(mine)\nosc()?.out()';
    expect(outline(code).nodes).toEqual([
      'osc1:osc',
      'out1:script {"code":"speed = 2\\nbpm = 90"}',
      'out2:out',
      'out3:script {"code":"a.setBins(4)\\nlet x = () => 1;\\nif (x()) osc().out(o1)"}',
      'out4:render {"output":"o1"}',
      'out5:script {"code":"osc().out(mine)\\nosc()?.out()"}',
    ]);
    const compiled = back(code);
    expect(compiled.indexOf('bpm = 90')).toBeLessThan(compiled.indexOf('.out()'));
    expect(compiled.indexOf('a.setBins(4)')).toBeLessThan(compiled.indexOf('render(o1)'));
  });

  it('keeps a statement whose argument a patch expression cannot hold as a script', () => {
    expect(outline('osc(await level()).kaleid().out()').nodes).toEqual(['out1:script {"code":"osc(await level()).kaleid().out()"}']);
  });

  it('drops empty statements and splits long runs of statements into script nodes a patch can hold', () => {
    expect(outline(';;osc().out();;\n;').nodes).toEqual(['osc1:osc', 'out1:out']);
    const line = `x = "${'a'.repeat(1500)}"`;
    const scripts = read([line, line, line, 'osc().out()'].join('\n')).nodes.filter((n) => n.type === 'hydra-core/script');
    expect(scripts.map((s) => (s.params!.code as string).split('\n').length)).toEqual([2, 1]);
  });

  it('puts a semicolon before a statement that would otherwise continue the one before it', () => {
    expect(back('osc().out();\n[1, 2].forEach((i) => noise(i).out(o1))')).toBe('osc()\n  .out()\n\n;[1, 2].forEach((i) => noise(i).out(o1))\n');
    const code = 'x = 1;\n(a || b).kaleid().out()';
    expect(back(code)).toBe('x = 1;\n\n;(a || b)\n  .kaleid()\n  .out()\n');
    expect(back(back(code))).toBe(back(code));
  });

  it('reads code that uses top-level await, await as a name, return, and CRLF line ends, as the sandbox runs them', () => {
    expect(back("await loadScript('x.js')\nosc().out()")).toBe("await loadScript('x.js')\n\nosc()\n  .out()\n");
    expect(back('var await = 1\nosc(await).out()')).toBe('var await = 1\n\nosc(await)\n  .out()\n');
    expect(back('return\nosc().out()')).toBe('return\n\nosc()\n  .out()\n');
    expect(back('osc().out()\r\nspeed = 1\r\nbpm = 2\r\n')).toBe('osc()\n  .out()\n\nspeed = 1\r\nbpm = 2\n');
  });
});
