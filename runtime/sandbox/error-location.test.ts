import { describe as group, expect, it } from 'vitest';
import { calibrate, calibrateLocator, describe, locate, sourceName } from './error-location';

const NAME = sourceName(3);

/** Builds user code the way the program runner does: a Function with a sourceURL comment. */
const makeFunction = (body: string, name: string) => new Function('guard', `${body}\n//# sourceURL=${name}`) as () => unknown;

group('sourceName', () => {
  it('names a program by its id', () => {
    expect(NAME).toBe('patchroom-program-3.js');
    expect(sourceName(12)).toBe('patchroom-program-12.js');
  });
});

group('locate', () => {
  const chromium = [
    'TypeError: Cannot read properties of undefined (reading "x")',
    '    at Object.osc (https://studio.example/sandbox/renderer.js:1:5000)',
    `    at eval (${NAME}:4:9)`,
    '    at run (https://studio.example/sandbox/renderer.js:346:120)',
  ].join('\n');

  it('reads a Chromium stack and subtracts the header offset', () => {
    expect(locate(chromium, NAME, 2)).toEqual({ line: 2, column: 9 });
    expect(locate(chromium, NAME, 0)).toEqual({ line: 4, column: 9 });
  });

  it('reads a Firefox stack that honours sourceURL', () => {
    const firefox = ['osc@blob:null/5b1c:1:5000', `anonymous@${NAME}:4:9`, 'run@blob:null/5b1c:346:120'].join('\n');
    expect(locate(firefox, NAME, 2)).toEqual({ line: 2, column: 9 });
  });

  it('reads a Firefox stack that names the Function call site, when told that site', () => {
    const site = 'blob:null/x line 1 > Function';
    const firefox = [`anonymous@${site}:5:3`, 'run@blob:null/x:346:120'].join('\n');
    expect(locate(firefox, NAME, 2, site)).toEqual({ line: 3, column: 3 });
    // without the site, a bare "> Function" frame could be any generated code (regl's draw calls)
    expect(locate(firefox, NAME, 2)).toBeUndefined();
  });

  it('never takes a line from frames of other generated code', () => {
    const stack = ['Error: x', '    at eval (eval at compile (regl.js:10:5), <anonymous>:40:2)', '    at Function (<anonymous>:7:1)'].join('\n');
    expect(locate(stack, NAME, 2)).toBeUndefined();
    const firefox = 'draw@blob:null/x line 282 > Function:40:2';
    expect(locate(firefox, NAME, 2, 'blob:null/x line 346 > Function')).toBeUndefined();
  });

  it('does not confuse program 3 with program 13 or 31', () => {
    const stack = [`    at eval (${sourceName(13)}:9:1)`, `    at eval (${sourceName(31)}:8:1)`, `    at eval (${NAME}:5:2)`].join('\n');
    expect(locate(stack, NAME, 2)).toEqual({ line: 3, column: 2 });
  });

  it('ignores a frame that falls inside the header, and an empty stack', () => {
    expect(locate(`    at eval (${NAME}:1:1)`, NAME, 2)).toBeUndefined();
    expect(locate(undefined, NAME, 2)).toBeUndefined();
    expect(locate('', NAME, 2)).toBeUndefined();
  });
});

group('calibrate in V8', () => {
  it('measures the offset that makes locate report the line of the body an error was thrown at', () => {
    const offset = calibrate(makeFunction);
    expect(offset).toBeGreaterThanOrEqual(0);
    const fn = makeFunction('const a = 1;\nconst b = 2;\nnull.boom;\nreturn a + b;', NAME);
    let stack: string | undefined;
    try {
      fn();
    } catch (error) {
      stack = (error as Error).stack;
    }
    expect(stack).toContain(NAME);
    expect(locate(stack, NAME, offset)).toEqual({ line: 3, column: 6 });
  });

  it('finds the line of a throw inside a function the user code declares', () => {
    const { offset } = calibrateLocator(makeFunction);
    const fn = makeFunction('function f() {\n  throw new Error("inner");\n}\nf();', NAME);
    let stack: string | undefined;
    try {
      fn();
    } catch (error) {
      stack = (error as Error).stack;
    }
    expect(locate(stack, NAME, offset)?.line).toBe(2);
  });

  it('falls back to no offset when the stack names nothing it knows', () => {
    expect(calibrate(() => () => {
      throw new Error('no frames');
    })).toBe(0);
    expect(calibrateLocator(() => () => undefined)).toEqual({ offset: 0 });
  });
});

group('calibrateLocator in Firefox without sourceURL', () => {
  /** Firefox ignoring sourceURL: frames are `<function>@<caller> line <n> > Function:<line>:<col>`, header of 2 lines. */
  const site = 'blob:null/5b1c line 346 > Function';
  const firefoxFunction = (body: string) => () => {
    const line = body.split('\n').findIndex((l) => l.includes('throw')) + 1;
    const error = new Error('x');
    error.stack = [`anonymous@${site}:${line + 2}:7`, 'run@blob:null/5b1c:346:900', ''].join('\n');
    throw error;
  };

  it('learns the call site (without the function name) and the offset', () => {
    expect(calibrateLocator(firefoxFunction)).toEqual({ offset: 2, functionSite: site });
  });

  it('then finds the line of a throw inside a function the user declared, not the line that called it', () => {
    const { offset, functionSite } = calibrateLocator(firefoxFunction);
    const stack = [`f@${site}:4:3`, `anonymous@${site}:6:1`, 'run@blob:null/5b1c:346:900'].join('\n');
    expect(locate(stack, NAME, offset, functionSite)).toEqual({ line: 2, column: 3 });
  });
});

group('describe', () => {
  it.each([
    [null, 'null'],
    [undefined, 'undefined'],
    [Number.NaN, 'NaN'],
    [Number.NEGATIVE_INFINITY, '-Infinity'],
    [1.5, '1.5'],
    ['fast', '"fast" (a string)'],
    ['a'.repeat(30), `"${'a'.repeat(24)}…" (a string)`],
    [true, 'true (a boolean)'],
    [() => 1, 'a function'],
    [[1, 2], 'an array'],
    [{ a: 1 }, 'an object'],
  ])('describes %o as %s', (value, text) => {
    expect(describe(value)).toBe(text);
  });
});
