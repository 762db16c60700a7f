import { describe, expect, it } from 'vitest';
import { MAX_SHARED_CODE_BYTES, decodeShareCode, encodeShareCode } from './share';

describe('share links', () => {
  it.each([
    ['plain hydra code', 'osc(10, 0.1, 1.2)\n  .kaleid(4)\n  .out()'],
    ['empty code', ''],
    ['unicode text, emoji and CJK', '// 🌈 Regenbogen – 虹 – قوس قزح\nosc(() => Math.sin(time) * 3).out() // ∑ é ß'],
    ['characters that base64 maps to + and /', '>>>???~~~\u00ff\u00fe'],
    ['control characters', '\u0000\u0001\t\r\n'],
    ['a leading byte-order mark', '\uFEFFosc().out()'],
  ])('round-trips %s', (_what, code) => {
    const encoded = encodeShareCode(code);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]*$/);
    expect(decodeShareCode(encoded)).toEqual({ ok: true, code });
  });

  it('encodes as base64url of UTF-8, without padding', () => {
    expect(encodeShareCode('osc()')).toBe(Buffer.from('osc()').toString('base64url'));
    expect(encodeShareCode('ü?>')).toBe(Buffer.from('ü?>', 'utf8').toString('base64url'));
  });

  it('accepts links made with padding or with standard-base64 padding kept', () => {
    expect(decodeShareCode('b3NjKCk=')).toEqual({ ok: true, code: 'osc()' });
    expect(decodeShareCode('b3Nj')).toEqual({ ok: true, code: 'osc' });
  });

  it('round-trips code right up to the size limit', () => {
    const code = 'x'.repeat(MAX_SHARED_CODE_BYTES);
    expect(decodeShareCode(encodeShareCode(code))).toEqual({ ok: true, code });
  });

  it('refuses code even one byte over the limit', () => {
    for (const extra of [1, 2, 3]) expect(decodeShareCode(encodeShareCode('x'.repeat(MAX_SHARED_CODE_BYTES + extra))).ok).toBe(false);
  });

  it('refuses oversized input before decoding it', () => {
    const result = decodeShareCode(encodeShareCode('x'.repeat(MAX_SHARED_CODE_BYTES + 64)));
    expect(result).toEqual({ ok: false, message: 'The shared code is larger than 64 KB.' });
    expect(decodeShareCode('A'.repeat(10_000_000)).ok).toBe(false);
  });

  it.each(['osc()', 'a+b/c', 'abc$', 'ab cd', 'abc===', '%20'])('refuses %j, which is not base64url', (encoded) => {
    expect(decodeShareCode(encoded)).toEqual({ ok: false, message: 'The shared code in this link is not valid base64url.' });
  });

  it('refuses a length no base64 text can have', () => {
    expect(decodeShareCode('A')).toEqual({ ok: false, message: 'The shared code in this link could not be decoded (not base64url UTF-8 text).' });
  });

  it('refuses bytes that are not UTF-8 text', () => {
    const invalid = Buffer.from([0xff, 0xfe, 0xfd, 0x80]).toString('base64url');
    expect(decodeShareCode(invalid)).toEqual({ ok: false, message: 'The shared code in this link could not be decoded (not base64url UTF-8 text).' });
  });
});
