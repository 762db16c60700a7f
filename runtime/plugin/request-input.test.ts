import { describe, expect, it } from 'vitest';
import { InputError, queryFields, readChoice, readNumber, readObject, readOptionalNumber, readOptionalString, readString, readStringList } from './request-input';
import { HttpError } from './server';

function refusal(read: () => unknown): { field: string; message: string; status: number } {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    expect(error).toBeInstanceOf(HttpError);
    const e = error as InputError;
    return { field: e.field, message: e.message, status: e.status };
  }
  throw new Error('expected a refusal');
}

describe('request input readers', () => {
  it('accepts only JSON objects as bodies', () => {
    expect(readObject({ a: 1 })).toEqual({ a: 1 });
    for (const value of [undefined, null, 'x', 1, [], [1]]) expect(refusal(() => readObject(value)).status).toBe(400);
  });

  it('reads strings trimmed, within bounds and pattern, naming the field', () => {
    expect(readString({ name: '  Ada ' }, 'name', { max: 10 })).toBe('Ada');
    expect(readString({ pw: '  spaced  ' }, 'pw', { max: 20, raw: true })).toBe('  spaced  ');
    expect(refusal(() => readString({ name: 5 }, 'name', { max: 10 }))).toEqual({ field: 'name', status: 400, message: '"name" must be a string of 1–10 characters.' });
    expect(refusal(() => readString({ name: '   ' }, 'name', { max: 10 })).message).toBe('"name" must be 1–10 characters long; got 0.');
    expect(refusal(() => readString({ name: 'x'.repeat(11) }, 'name', { max: 10 })).message).toBe('"name" must be 1–10 characters long; got 11.');
    expect(refusal(() => readString({ id: 'a b' }, 'id', { max: 10, pattern: /^\w+$/, hint: 'letters' })).message).toBe('"id" may only contain letters.');
    expect(readOptionalString({}, 'x', { max: 3 })).toBeUndefined();
    expect(readOptionalString({ x: null }, 'x', { max: 3 })).toBeUndefined();
  });

  it('reads numbers in range, whole when asked, from text only when asked', () => {
    expect(readNumber({ n: 2.5 }, 'n', { min: 0, max: 3 })).toBe(2.5);
    expect(readNumber({ n: '42' }, 'n', { min: 0, max: 100, integer: true, fromText: true })).toBe(42);
    for (const n of ['42', 2.5, -1, 101, Number.NaN, Infinity, '1e2', '0x10', true, null]) {
      expect(refusal(() => readNumber({ n }, 'n', { min: 0, max: 100, integer: true })).field).toBe('n');
    }
    expect(refusal(() => readNumber({ n: '4 2' }, 'n', { min: 0, max: 100, fromText: true })).message).toBe('"n" must be a number from 0 to 100.');
    expect(readOptionalNumber({}, 'n', { min: 0, max: 1 })).toBeUndefined();
  });

  it('reads choices with a fallback', () => {
    expect(readChoice({}, 'k', ['a', 'b'] as const, 'a')).toBe('a');
    expect(readChoice({ k: 'b' }, 'k', ['a', 'b'] as const)).toBe('b');
    expect(refusal(() => readChoice({ k: 'c' }, 'k', ['a', 'b'] as const)).message).toBe('"k" must be one of a, b.');
    expect(refusal(() => readChoice({ k: '__proto__' }, 'k', ['a', 'b'] as const)).field).toBe('k');
  });

  it('reads lists of strings, normalised and without duplicates', () => {
    const rule = { max: 5, maxItems: 3, normalise: (s: string) => s.toLowerCase() };
    expect(readStringList({ t: ['A', 'a', 'b'] }, 't', rule)).toEqual(['a', 'b']);
    expect(readStringList({}, 't', rule)).toEqual([]);
    expect(refusal(() => readStringList({ t: ['a', 'b', 'c', 'd'] }, 't', rule)).message).toBe('"t" must be a list of at most 3 strings.');
    expect(refusal(() => readStringList({ t: 'a' }, 't', rule)).field).toBe('t');
    expect(refusal(() => readStringList({ t: ['a', 7] }, 't', rule)).field).toBe('t[1]');
  });

  it('refuses repeated query parameters unless they may repeat', () => {
    expect(queryFields({ q: 'x', tag: 'a' }, ['tag'])).toEqual({ q: 'x', tag: ['a'] });
    expect(queryFields({ tag: ['a', 'b'] }, ['tag'])).toEqual({ tag: ['a', 'b'] });
    expect(refusal(() => queryFields({ q: ['x', 'y'] })).message).toBe('"q" may be given only once.');
  });
});
