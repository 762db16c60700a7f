import { describe, expect, it } from 'vitest';
import { minimalEdit } from './text-diff';

const apply = (before: string, after: string) => {
  const e = minimalEdit(before, after);
  return e ? before.slice(0, e.start) + e.text + before.slice(e.end) : before;
};

describe('minimalEdit', () => {
  it('is undefined for equal text', () => expect(minimalEdit('osc()', 'osc()')).toBeUndefined());

  it('replaces only the changed middle', () => {
    expect(minimalEdit('osc(10).out()', 'osc(20).out()')).toEqual({ start: 4, end: 5, text: '2' });
    expect(minimalEdit('aaa', 'aaaa')).toEqual({ start: 3, end: 3, text: 'a' });
    expect(minimalEdit('abc', '')).toEqual({ start: 0, end: 3, text: '' });
  });

  it('round-trips and never splits a CRLF or a surrogate pair', () => {
    const cases: Array<[string, string]> = [
      ['x\r\ny', 'x\ny'],
      ['a\r\n', 'b\n'],
      ['😀1', '😁1'],
      ['', 'osc()'],
      ['abcabc', 'abc'],
    ];
    for (const [a, b] of cases) {
      expect(apply(a, b)).toBe(b);
      const e = minimalEdit(a, b)!;
      expect([a.charCodeAt(e.start - 1), a.charCodeAt(e.start)]).not.toEqual([13, 10]);
    }
    const e = minimalEdit('😀1', '😁1')!;
    expect(e.start).toBe(0);
  });
});
