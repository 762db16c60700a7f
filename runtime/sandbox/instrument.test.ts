import { parse } from 'acorn';
import { describe, expect, it } from 'vitest';
import { instrument, type InstrumentedCode } from './instrument';

const GUARD = '__guard';

function ok(code: string): InstrumentedCode {
  const result = instrument(code, GUARD);
  if (!result.ok) throw new Error(`unexpected syntax error: ${result.message}`);
  return result;
}

const lineCount = (code: string) => code.split('\n').length;

/** Runs instrumented code with a guard that records the line of every call. */
function run(code: string, scope: Record<string, unknown> = {}) {
  const result = ok(code);
  const calls: number[] = [];
  const names = Object.keys(scope);
  const value = new Function(GUARD, ...names, result.code)((line: number) => calls.push(line), ...names.map((k) => scope[k]));
  return { value, calls, code: result.code };
}

const guardLines = (code: string) => [...code.matchAll(/__guard\((\d+)\)/g)].map((m) => Number(m[1]));

describe('instrument: syntax errors', () => {
  it('returns the line and 1-based column of the error', () => {
    const result = instrument('osc(10)\n  .out(\n  .kaleid(4)\nnoise(', GUARD);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.line).toBe(3);
    expect(result.column).toBe(3);
    expect(result.message).toBe('Syntax error: Unexpected token');
  });

  it('reports an unterminated string at its line', () => {
    const result = instrument('const a = 1;\nconst b = "open;\n', GUARD);
    expect(result).toMatchObject({ ok: false, line: 2, column: 11 });
    expect(!result.ok && result.message).toMatch(/^Syntax error: Unterminated string constant$/);
  });

  it('reports the error of plain code, not of the await retry, when both fail', () => {
    const result = instrument('let x = ;', GUARD);
    expect(result).toEqual({ ok: false, message: 'Syntax error: Unexpected token', line: 1, column: 9 });
  });

  it('accepts a top-level return (a program may stop early)', () => {
    expect(ok('if (true) return;\nosc().out()').code).toBe('if (true) return;\nosc().out()');
  });
});

describe('instrument: loops', () => {
  const cases: Array<[string, string, number[]]> = [
    ['for', 'let s = 0;\nfor (let i = 0; i < 3; i++) {\n  s += i;\n}\nreturn s;', [2]],
    ['for-in', 'const o = { a: 1, b: 2 };\nlet s = "";\nfor (const k in o) { s += k; }\nreturn s;', [3]],
    ['for-of', 'let s = 0;\n\nfor (const v of [1, 2, 3]) s += v;\nreturn s;', [3]],
    ['while', 'let i = 0;\nwhile (i < 3)\n  i++;\nreturn i;', [2]],
    ['do-while', 'let i = 0;\ndo {\n  i++;\n} while (i < 3);\nreturn i;', [2]],
    ['do-while without braces', 'let i = 0;\ndo i++; while (i < 3)\nreturn i;', [2]],
    ['labeled', 'let s = 0;\nouter: for (let i = 0; i < 3; i++) {\n  for (let j = 0; j < 3; j++) {\n    if (j === 1) continue outer;\n    s++;\n  }\n}\nreturn s;', [2, 3]],
    ['nested without braces', 'let s = 0;\nfor (let i = 0; i < 2; i++)\n  for (let j = 0; j < 2; j++)\n    while (false) ;\nreturn 4;', [2, 3, 4]],
    ['empty body', 'let i = 0;\nfor (; i < 5; i++);\nreturn i;', [2]],
    ['if/else around a braceless loop', 'let i = 0;\nif (true) while (i < 2) i++; else i = -1;\nreturn i;', [2]],
    ['in a function', 'function f(n) {\n  let s = 0;\n  for (let i = 0; i < n; i++) s += i;\n  return s;\n}\nreturn f(4);', [3]],
    ['in an arrow without braces', 'const f = (xs) => xs.map((x) => { let y = x; while (y > 10) y -= 10; return y; });\nreturn f([3, 25]).join();', [1]],
  ];

  it.each(cases)('%s: a guard call with the loop line, lines unchanged', (_kind, code, lines) => {
    const result = ok(code);
    expect(lineCount(result.code)).toBe(lineCount(code));
    expect(guardLines(result.code).sort((a, b) => a - b)).toEqual([...lines].sort((a, b) => a - b));
    // the instrumented program still parses
    expect(() => parse(result.code, { ecmaVersion: 'latest', allowReturnOutsideFunction: true })).not.toThrow();
  });

  it('keeps the results of every kind of loop', () => {
    expect(run(cases[0]![1]).value).toBe(3);
    expect(run(cases[1]![1]).value).toBe('ab');
    expect(run(cases[2]![1]).value).toBe(6);
    expect(run(cases[3]![1]).value).toBe(3);
    expect(run(cases[4]![1]).value).toBe(3);
    expect(run(cases[5]![1]).value).toBe(3);
    expect(run(cases[6]![1]).value).toBe(3);
    expect(run(cases[7]![1]).value).toBe(4);
    expect(run(cases[8]![1]).value).toBe(5);
    expect(run(cases[9]![1]).value).toBe(2);
    expect(run(cases[10]![1]).value).toBe(6);
    expect(run(cases[11]![1]).value).toBe('3,5');
  });

  it('calls the guard once per iteration, with the line of the loop', () => {
    const { calls } = run('let n = 0;\nfor (let i = 0; i < 4; i++) {\n  let j = 0;\n  while (j < 2) j++;\n  n++;\n}\nreturn n;');
    expect(calls).toEqual([2, 4, 4, 2, 4, 4, 2, 4, 4, 2, 4, 4]);
  });

  it('lets the guard stop a loop that never ends', () => {
    const result = ok('let i = 0;\nwhile (true) { i++; }\n');
    let count = 0;
    const guard = (line: number) => {
      if (++count > 1000) throw new Error(`stopped at line ${line}`);
    };
    expect(() => new Function(GUARD, result.code)(guard)).toThrow('stopped at line 2');
  });

  it('guards a braceless loop body completely: the guard runs before every statement of the iteration', () => {
    const { calls, value } = run('const seen = [];\nfor (const x of [1, 2]) seen.push(x);\nreturn seen;');
    expect(value).toEqual([1, 2]);
    expect(calls).toEqual([2, 2]);
  });

  it('works with \\r\\n line endings without changing line numbers', () => {
    const code = 'let i = 0;\r\nwhile (i < 2)\r\n  i++;\r\nreturn i;';
    const result = ok(code);
    expect(result.code.split('\r\n')).toHaveLength(4);
    expect(guardLines(result.code)).toEqual([2]);
  });
});

describe('instrument: unchanged code and top-level await', () => {
  it('leaves code without loops exactly as it was', () => {
    const code = '// a sketch\nosc(10, 0.1, () => Math.sin(time))\n  .kaleid(4)\n  .out()\nconst f = (x) => x * 2;\n';
    expect(instrument(code, GUARD)).toEqual({ ok: true, code, async: false });
  });

  it('detects top-level await and marks the program async', () => {
    const code = 'await new Promise((r) => setTimeout(r, 1));\nfor (let i = 0; i < 2; i++) {}\nosc().out()';
    const result = ok(code);
    expect(result.async).toBe(true);
    expect(guardLines(result.code)).toEqual([2]);
    expect(ok('for await (const x of xs) {}').async).toBe(true);
  });

  it('does not mark code async when await only appears inside async functions', () => {
    expect(ok('async function f() { await 1 }\nconst g = async () => { await f() };').async).toBe(false);
  });

  it('runs async instrumented code as an async function', async () => {
    const result = ok('let s = 0;\nfor (const v of await Promise.resolve([1, 2])) s += v;\nreturn s;');
    const AsyncFunction = (async () => {}).constructor as new (...args: string[]) => (g: (line: number) => void) => Promise<number>;
    const calls: number[] = [];
    await expect(new AsyncFunction(GUARD, result.code)((l) => calls.push(l))).resolves.toBe(3);
    expect(calls).toEqual([2, 2]);
  });
});

describe('instrument: await with parentheses', () => {
  it('treats `await (promise)` at top level as await, not as a call to a function named await', () => {
    const result = ok('const v = await (Promise.resolve(2));\nfor (let i = 0; i < v; i++) {}\nreturn v;');
    expect(result.async).toBe(true);
    expect(guardLines(result.code)).toEqual([2]);
  });

  it('still runs sloppy code that uses await as an ordinary name', () => {
    const { value } = run('var await = (x) => x + 1;\nreturn await(1);');
    expect(value).toBe(2);
    expect(ok('var await = (x) => x + 1;\nawait(1);').async).toBe(false);
  });
});
