import { describe, expect, it } from 'vitest';
import { filterTokens, ftsExpression, ftsWords } from './search-query';

describe('ftsWords', () => {
  it('keeps letters and digits, quotes each word and matches it as a prefix', () => {
    expect(ftsWords('Neon gri')).toBe('"neon"* "gri"*');
    expect(ftsWords('  café   No.2 ')).toBe('"café"* "no"* "2"*');
    expect(ftsWords('"; DROP TABLE x; --')).toBe('"drop"* "table"* "x"*');
    expect(ftsWords('title:* NEAR(a b) OR "x"')).toBe('"title"* "near"* "a"* "b"* "or"* "x"*');
  });

  it('returns nothing for text without words, and bounds long input', () => {
    expect(ftsWords('%%% *** ---')).toBeUndefined();
    expect(ftsWords('')).toBeUndefined();
    expect(ftsWords('a b c d e f g h i j')).toBe('"a"* "b"* "c"* "d"* "e"* "f"* "g"* "h"*');
    expect(ftsWords('x'.repeat(100))).toBe(`"${'x'.repeat(64)}"*`);
  });
});

describe('filter tokens', () => {
  it('turns kind and each tag into one letters-and-digits token', () => {
    expect(filterTokens('media', ['lo-fi', 'été'])).toEqual(['kmedia', `tg${Buffer.from('lo-fi').toString('hex')}`, `tg${Buffer.from('été').toString('hex')}`]);
    for (const token of filterTokens('preset', ['a-b', 'x y', '"quote"'])) expect(token).toMatch(/^[a-z0-9]+$/);
  });

  it('builds one MATCH expression from words and filters', () => {
    expect(ftsExpression('"a"*', 'media', ['x'])).toBe('{title tags description source}: ("a"*) AND {filters}: "kmedia" AND {filters}: "tg78"');
    expect(ftsExpression(undefined, undefined, ['x'])).toBe('{filters}: "tg78"');
  });
});
