import { describe } from './error-location';

/** An input of a hydra function, as hydra's generator stores it after processing. */
export interface HydraInput {
  name: string;
  type: string;
  default?: unknown;
}

/**
 * Reports a failing value function once. `site` was created where the function was handed to
 * hydra, so its stack holds the user's line even when the failure itself has none.
 */
export type ValueFailure = (error: unknown, site: Error) => void;

/**
 * Checks the arguments of one call to a hydra function and guards every function argument, so
 * that wrong types fail at the call with a clear message (hydra itself would emit broken GLSL or
 * warn every frame) and a value function that throws or returns a non-number is reported once and
 * holds its last good value.
 */
export function checkArgs(fnName: string, inputs: readonly HydraInput[], args: unknown[], onFailure: ValueFailure): unknown[] {
  return args.map((arg, index) => {
    const input = inputs[index];
    if (!input || arg === undefined) return arg;
    const where = `${fnName}() argument ${index + 1} (${input.name})`;
    if (input.type === 'float') {
      if (typeof arg === 'number') {
        if (!Number.isFinite(arg)) throw new RangeError(`${where} must be a finite number; got ${describe(arg)}.`);
        return arg;
      }
      if (typeof arg === 'function') {
        const site = new Error();
        return guardValue(arg as (...a: unknown[]) => unknown, numberDefault(input), `${fnName}(${input.name})`, (error) => onFailure(error, site));
      }
      if (Array.isArray(arg)) {
        if (arg.length === 0) throw new RangeError(`${where} is an empty array; give at least one number.`);
        const bad = arg.find((v) => typeof v !== 'number' || !Number.isFinite(v));
        if (bad !== undefined) throw new TypeError(`${where} must be an array of finite numbers; it holds ${describe(bad)}.`);
        return arg;
      }
      throw new TypeError(`${where} must be a number, an array of numbers or a function; got ${describe(arg)}.`);
    }
    if (input.type === 'vec4') {
      if (isTextureLike(arg)) return arg;
      throw new TypeError(`${where} must be a texture: a chain such as osc() or a buffer such as o0 or s0; got ${describe(arg)}.`);
    }
    if (input.type === 'sampler2D') {
      if (arg && typeof (arg as { getTexture?: unknown }).getTexture === 'function') return arg;
      throw new TypeError(`${where} must be an output (o0–o3) or a source (s0–s3); got ${describe(arg)}.`);
    }
    return arg;
  });
}

function isTextureLike(value: unknown): boolean {
  if (!value || typeof value !== 'object') return false;
  const v = value as { type?: unknown; getTexture?: unknown };
  return v.type === 'GlslSource' || typeof v.getTexture === 'function';
}

function numberDefault(input: HydraInput): number {
  return typeof input.default === 'number' && Number.isFinite(input.default) ? input.default : 0;
}

/** Marks functions we already guarded, so re-wrapping (a chain passed through twice) is a no-op. */
const GUARDED = Symbol('patchroom.guarded');

export function guardValue(
  fn: (...a: unknown[]) => unknown,
  fallback: number,
  label: string,
  onFailure: (error: unknown) => void,
): (...a: unknown[]) => number {
  if ((fn as { [GUARDED]?: boolean })[GUARDED]) return fn as (...a: unknown[]) => number;
  let last = fallback;
  let reported = false;
  const guarded = (...a: unknown[]): number => {
    try {
      const value = fn(...a);
      if (typeof value === 'number' && Number.isFinite(value)) {
        last = value;
        return value;
      }
      if (!reported) {
        reported = true;
        onFailure(new TypeError(`The function given to ${label} returned ${describe(value)}, not a finite number; it keeps its last value ${last}.`));
      }
    } catch (error) {
      if (!reported) {
        reported = true;
        onFailure(error);
      }
    }
    return last;
  };
  Object.defineProperty(guarded, GUARDED, { value: true });
  return guarded;
}
