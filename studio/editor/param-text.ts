import type { ParamValue } from '../../runtime/patch/schema';
import { isExpr } from '../../runtime/patch/schema';
import { expressionProblem } from '../../runtime/patch/validate';

const NUMBER = /^\s*-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i;
const NUMBER_LIST = /^\s*\[\s*(-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*,\s*)*-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*\]\s*$/i;

/**
 * What a performer types into a number parameter's text field: a number, a list of numbers (a
 * Hydra sequence), or any expression (`() => Math.sin(time)`, `[1, 2].fast(2)`).
 */
export function parseParamText(text: string): { ok: true; value: ParamValue } | { ok: false; message: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, message: 'Type a number or an expression.' };
  if (NUMBER.test(trimmed)) {
    const n = Number(trimmed);
    return Number.isFinite(n) ? { ok: true, value: n } : { ok: false, message: 'That number is too large.' };
  }
  if (NUMBER_LIST.test(trimmed)) return { ok: true, value: JSON.parse(trimmed) as number[] };
  const problem = expressionProblem(trimmed);
  return problem ? { ok: false, message: `This ${problem}.` } : { ok: true, value: { expr: trimmed } };
}

export function formatParamText(value: ParamValue | undefined, fallback: number): string {
  if (value === undefined) return String(fallback);
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return `[${value.join(', ')}]`;
  if (isExpr(value)) return value.expr;
  return String(value);
}
