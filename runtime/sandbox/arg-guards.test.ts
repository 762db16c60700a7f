import glslFunctions from 'hydra-synth/src/glsl/glsl-functions.js';
import { describe, expect, it } from 'vitest';
import { checkArgs, guardValue, type HydraInput } from './arg-guards';

const OSC: HydraInput[] = [
  { name: 'frequency', type: 'float', default: 60 },
  { name: 'sync', type: 'float', default: 0.1 },
  { name: 'offset', type: 'float', default: 0 },
];
const BLEND: HydraInput[] = [
  { name: 'texture', type: 'vec4' },
  { name: 'amount', type: 'float', default: 0.5 },
];
const SRC: HydraInput[] = [{ name: 'tex', type: 'sampler2D' }];

function recorder() {
  const failures: Array<{ error: unknown; site: Error }> = [];
  return { failures, onFailure: (error: unknown, site: Error) => failures.push({ error, site }) };
}

describe('checkArgs: float inputs', () => {
  it('passes finite numbers, arrays of numbers and missing arguments through unchanged', () => {
    const { onFailure, failures } = recorder();
    const seq = [1, 2, 3];
    const args = checkArgs('osc', OSC, [10, seq, undefined], onFailure);
    expect(args).toEqual([10, seq, undefined]);
    expect(args[1]).toBe(seq);
    expect(failures).toEqual([]);
  });

  it.each([
    [Number.NaN, 'osc() argument 1 (frequency) must be a finite number; got NaN.'],
    [Number.POSITIVE_INFINITY, 'osc() argument 1 (frequency) must be a finite number; got Infinity.'],
  ])('rejects %s, naming function, argument and input', (value, message) => {
    expect(() => checkArgs('osc', OSC, [value], recorder().onFailure)).toThrow(new RangeError(message));
  });

  it('rejects strings, objects, booleans and null with what it got', () => {
    const { onFailure } = recorder();
    expect(() => checkArgs('osc', OSC, [10, 'fast'], onFailure)).toThrow(
      new TypeError('osc() argument 2 (sync) must be a number, an array of numbers or a function; got "fast" (a string).'),
    );
    expect(() => checkArgs('osc', OSC, [10, 0.1, { x: 1 }], onFailure)).toThrow('osc() argument 3 (offset) must be a number, an array of numbers or a function; got an object.');
    expect(() => checkArgs('osc', OSC, [true], onFailure)).toThrow('got true (a boolean)');
    expect(() => checkArgs('osc', OSC, [null], onFailure)).toThrow('osc() argument 1 (frequency) must be a number, an array of numbers or a function; got null.');
  });

  it('rejects an empty array and an array holding a non-number', () => {
    const { onFailure } = recorder();
    expect(() => checkArgs('osc', OSC, [[]], onFailure)).toThrow(new RangeError('osc() argument 1 (frequency) is an empty array; give at least one number.'));
    expect(() => checkArgs('osc', OSC, [[1, Number.NaN]], onFailure)).toThrow(
      new TypeError('osc() argument 1 (frequency) must be an array of finite numbers; it holds NaN.'),
    );
    expect(() => checkArgs('osc', OSC, [[1, '2']], onFailure)).toThrow('it holds "2" (a string).');
  });

  it('leaves arguments beyond the known inputs alone', () => {
    expect(checkArgs('osc', OSC, [1, 2, 3, 'extra'], recorder().onFailure)).toEqual([1, 2, 3, 'extra']);
  });
});

describe('checkArgs: value functions', () => {
  it('wraps a function so it still gives its values', () => {
    const { onFailure, failures } = recorder();
    const [wrapped] = checkArgs('osc', OSC, [(ctx: { time: number }) => ctx.time * 2], onFailure) as [(ctx: unknown) => number];
    expect(wrapped({ time: 3 })).toBe(6);
    expect(wrapped({ time: 4 })).toBe(8);
    expect(failures).toEqual([]);
  });

  it('reports a throwing function once, however often it is called, and holds its default at first', () => {
    const { onFailure, failures } = recorder();
    const [wrapped] = checkArgs('osc', OSC, [() => {
      throw new Error('boom');
    }], onFailure) as [() => number];
    const values = Array.from({ length: 100 }, () => wrapped());
    expect(values.every((v) => v === 60)).toBe(true);
    expect(failures).toHaveLength(1);
    expect((failures[0]!.error as Error).message).toBe('boom');
    // the site was made where the function was handed over, so its stack leads back to this test
    expect(failures[0]!.site).toBeInstanceOf(Error);
    expect(failures[0]!.site.stack).toContain('arg-guards.test.ts');
  });

  it('holds the last good value once a function starts throwing', () => {
    const { onFailure, failures } = recorder();
    let t = 0;
    const [, wrapped] = checkArgs('osc', OSC, [10, () => {
      t++;
      if (t > 3) throw new Error('late failure');
      return t / 10;
    }], onFailure) as [number, () => number];
    const values = Array.from({ length: 10 }, () => wrapped());
    expect(values).toEqual([0.1, 0.2, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3]);
    expect(failures).toHaveLength(1);
  });

  it.each([
    ['NaN', Number.NaN, 'NaN'],
    ['a string', 'fast', '"fast" (a string)'],
    ['undefined', undefined, 'undefined'],
    ['Infinity', Number.POSITIVE_INFINITY, 'Infinity'],
  ])('reports a function returning %s once and keeps the last value', (_what, bad, described) => {
    const { onFailure, failures } = recorder();
    let calls = 0;
    const [, , wrapped] = checkArgs('osc', OSC, [1, 2, () => (++calls <= 2 ? calls * 5 : bad)], onFailure) as [number, number, () => number];
    const values = Array.from({ length: 6 }, () => wrapped());
    expect(values).toEqual([5, 10, 10, 10, 10, 10]);
    expect(failures).toHaveLength(1);
    expect((failures[0]!.error as Error).message).toBe(
      `The function given to osc(offset) returned ${described}, not a finite number; it keeps its last value 10.`,
    );
  });

  it('recovers when the function gives numbers again', () => {
    const { onFailure, failures } = recorder();
    const outputs = [1, Number.NaN, 3];
    let i = 0;
    const [wrapped] = checkArgs('osc', OSC, [() => outputs[i++]], onFailure) as [() => number];
    expect([wrapped(), wrapped(), wrapped()]).toEqual([1, 1, 3]);
    expect(failures).toHaveLength(1);
  });

  it('falls back to 0 for an input without a usable default', () => {
    const { onFailure } = recorder();
    const [wrapped] = checkArgs('f', [{ name: 'x', type: 'float' }], [() => 'no'], onFailure) as [() => number];
    expect(wrapped()).toBe(0);
  });

  it('does not wrap an already guarded function twice', () => {
    const onFailure = () => {};
    const once = guardValue(() => 1, 0, 'osc(frequency)', onFailure);
    const [again] = checkArgs('osc', OSC, [once], onFailure);
    expect(again).toBe(once);
  });

  it('passes the arguments hydra gives through to the function', () => {
    const [wrapped] = checkArgs('osc', OSC, [(ctx: { time: number }, extra: number) => ctx.time + extra], recorder().onFailure) as [
      (ctx: unknown, extra: number) => number,
    ];
    expect(wrapped({ time: 1 }, 2)).toBe(3);
  });
});

describe('checkArgs: texture inputs', () => {
  const glslSource = { type: 'GlslSource', transforms: [] };
  const output = { getTexture() {
    return {};
  } };

  it('accepts a chain (GlslSource) or a buffer (getTexture) for a vec4 input', () => {
    const { onFailure } = recorder();
    expect(checkArgs('blend', BLEND, [glslSource, 0.3], onFailure)).toEqual([glslSource, 0.3]);
    expect(checkArgs('blend', BLEND, [output], onFailure)[0]).toBe(output);
  });

  it.each([
    [5, 'got 5.'],
    ['o0', 'got "o0" (a string).'],
    [{}, 'got an object.'],
    [null, 'got null.'],
    [() => 1, 'got a function.'],
  ])('rejects %o for a vec4 input', (value, got) => {
    expect(() => checkArgs('blend', BLEND, [value], recorder().onFailure)).toThrow(
      new TypeError(`blend() argument 1 (texture) must be a texture: a chain such as osc() or a buffer such as o0 or s0; ${got}`),
    );
  });

  it('requires an output or source for a sampler2D input', () => {
    expect(checkArgs('src', SRC, [output], recorder().onFailure)[0]).toBe(output);
    expect(() => checkArgs('src', SRC, [glslSource], recorder().onFailure)).toThrow(
      'src() argument 1 (tex) must be an output (o0–o3) or a source (s0–s3); got an object.',
    );
  });

  it('checks against hydra’s own table: modulate takes a texture first, then a float', () => {
    const modulate = glslFunctions().find((fn) => fn.name === 'modulate')!;
    const inputs: HydraInput[] = [{ name: 'texture', type: 'vec4' }, ...modulate.inputs];
    expect(() => checkArgs('modulate', inputs, [glslSource, 'lots'], recorder().onFailure)).toThrow('modulate() argument 2 (amount)');
  });
});
