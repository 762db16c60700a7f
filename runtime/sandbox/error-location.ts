/**
 * Finding the user's line in an error. User code runs as `new Function(...)` with a
 * `//# sourceURL=<name>` comment; browsers then name that file in stack frames (Chromium:
 * `at … (name:3:7)`, Firefox: `…@name:3:7`), or, where they ignore the comment, Firefox names the
 * Function (`… > Function:3:7`). Line numbers are shifted by the function header, by an amount
 * each engine decides: `lineOffset` is measured once at start-up by `calibrate`.
 */
export interface StackLocation {
  line: number;
  column: number;
}

export function sourceName(programId: number): string {
  return `patchroom-program-${programId}.js`;
}

/**
 * The user's line in a stack. `functionSite` (from `calibrate`) is the frame prefix an engine that
 * ignores sourceURL gives functions made at our one `new Function` call site; without it only frames
 * named after the program count. Frames of other generated code (regl builds its draw calls with
 * `Function` too) must never be mistaken for the user's.
 */
export function locate(stack: string | undefined, name: string, lineOffset: number, functionSite?: string): StackLocation | undefined {
  if (!stack) return undefined;
  const patterns = [new RegExp(`${escapeRegExp(name)}:(\\d+):(\\d+)`)];
  if (functionSite) patterns.push(new RegExp(`${escapeRegExp(functionSite)}:(\\d+):(\\d+)`));
  for (const pattern of patterns) {
    const match = pattern.exec(stack);
    if (match) {
      const line = Number(match[1]) - lineOffset;
      if (line >= 1) return { line, column: Number(match[2]) };
    }
  }
  return undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Measures how far the engine shifts line numbers in `new Function` bodies: throws from line 1 of a
 * function built exactly like user code is, and reads back what line the stack reports.
 */
export function calibrate(makeFunction: (body: string, name: string) => () => unknown): number {
  return calibrateLocator(makeFunction).offset;
}

export interface Locator {
  offset: number;
  functionSite?: string;
}

/** Like `calibrate`, and also learns how this engine names frames of our functions if it ignores sourceURL. */
export function calibrateLocator(makeFunction: (body: string, name: string) => () => unknown): Locator {
  const name = 'patchroom-calibrate.js';
  try {
    makeFunction('throw new Error("calibrate")', name)();
  } catch (error) {
    const stack = (error as Error).stack;
    const found = locate(stack, name, 0);
    if (found) return { offset: found.line - 1 };
    // Firefox without sourceURL: `anonymous@…renderer.js line 123 > Function:3:7`. The site is what
    // follows `@`: frames of functions the user's code declares carry their own names before it.
    const site = /@(\S+ line \d+ > (?:Async)?Function):(\d+):\d+/.exec(stack ?? '');
    if (site) return { offset: Number(site[2]) - 1, functionSite: site[1]! };
  }
  return { offset: 0 };
}

/** A one-line description of a value for error messages: `"fast" (a string)`, `NaN`, `{…} (an object)`. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `${JSON.stringify(value.length > 24 ? `${value.slice(0, 24)}…` : value)} (a string)`;
  if (typeof value === 'boolean') return `${value} (a boolean)`;
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  return 'an object';
}
