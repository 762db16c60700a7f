import { HttpError } from './server';

/**
 * Reading untrusted request input (a JSON body, a query string) in server plugins: every reader
 * checks type and size and throws a 400 naming the field, so a route states its input in a few lines.
 */

export type Fields = Record<string, unknown>;

/** A 400 about one field; `field` lets a bulk import report which column of a row was wrong. */
export class InputError extends HttpError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(400, 'invalid_input', message);
    this.name = 'InputError';
  }
}

export function readObject(value: unknown, what = 'The request body'): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InputError('', `${what} must be a JSON object.`);
  return value as Fields;
}

interface StringRule {
  min?: number;
  max: number;
  pattern?: RegExp;
  /** What the pattern allows, for the message. */
  hint?: string;
  /** Keep leading and trailing spaces (passwords). */
  raw?: boolean;
}

export function readString(fields: Fields, name: string, rule: StringRule): string {
  const value = fields[name];
  const min = rule.min ?? 1;
  const size = min === rule.max ? `${min}` : `${min}–${rule.max}`;
  if (typeof value !== 'string') throw new InputError(name, `"${name}" must be a string of ${size} characters.`);
  const text = rule.raw ? value : value.trim();
  if (text.length < min || text.length > rule.max) throw new InputError(name, `"${name}" must be ${size} characters long; got ${text.length}.`);
  if (rule.pattern && !rule.pattern.test(text)) throw new InputError(name, `"${name}" may only contain ${rule.hint ?? 'certain characters'}.`);
  return text;
}

export function readOptionalString(fields: Fields, name: string, rule: StringRule): string | undefined {
  return isAbsent(fields[name]) ? undefined : readString(fields, name, rule);
}

interface NumberRule {
  min: number;
  max: number;
  /** Accept decimal text too (query strings). */
  fromText?: boolean;
  integer?: boolean;
}

export function readNumber(fields: Fields, name: string, rule: NumberRule): number {
  let value = fields[name];
  if (rule.fromText && typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) value = Number(value);
  const kind = rule.integer ? 'a whole number' : 'a number';
  if (typeof value !== 'number' || !Number.isFinite(value) || (rule.integer && !Number.isInteger(value)) || value < rule.min || value > rule.max) {
    throw new InputError(name, `"${name}" must be ${kind} from ${rule.min} to ${rule.max}.`);
  }
  return value;
}

export function readOptionalNumber(fields: Fields, name: string, rule: NumberRule): number | undefined {
  return isAbsent(fields[name]) ? undefined : readNumber(fields, name, rule);
}

export function readChoice<T extends string>(fields: Fields, name: string, options: readonly T[], fallback?: T): T {
  const value = fields[name];
  if (isAbsent(value) && fallback !== undefined) return fallback;
  if (typeof value !== 'string' || !options.includes(value as T)) throw new InputError(name, `"${name}" must be one of ${options.join(', ')}.`);
  return value as T;
}

/** A list of short strings (tags). Duplicates are dropped; `normalise` runs before the checks. */
export function readStringList(fields: Fields, name: string, rule: StringRule & { maxItems: number; normalise?: (s: string) => string }): string[] {
  const value = fields[name];
  if (isAbsent(value)) return [];
  if (!Array.isArray(value) || value.length > rule.maxItems) throw new InputError(name, `"${name}" must be a list of at most ${rule.maxItems} strings.`);
  const items = value.map((item, index) => {
    const text = typeof item === 'string' && rule.normalise ? rule.normalise(item) : item;
    return readString({ [`${name}[${index}]`]: text }, `${name}[${index}]`, rule);
  });
  return [...new Set(items)];
}

/** Query parameters given more than once are refused, except the names listed as repeatable. */
export function queryFields(query: Record<string, string | string[] | undefined>, repeatable: readonly string[] = []): Fields {
  const fields: Fields = {};
  for (const [name, value] of Object.entries(query)) {
    if (Array.isArray(value) && !repeatable.includes(name)) throw new InputError(name, `"${name}" may be given only once.`);
    fields[name] = repeatable.includes(name) && !Array.isArray(value) ? [value] : value;
  }
  return fields;
}

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null;
}
