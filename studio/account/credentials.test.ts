import { describe, expect, it } from 'vitest';
import { checkCredentials, normaliseUsername } from './credentials';

describe('checkCredentials (the server’s sizes and characters)', () => {
  it('accepts what the server accepts', () => {
    expect(checkCredentials({ username: 'Ada.L_1-x', password: '12345678' })).toEqual({});
    expect(checkCredentials({ username: 'abc', password: ' '.repeat(8) })).toEqual({});
    expect(checkCredentials({ username: 'a'.repeat(32), password: 'p'.repeat(256) })).toEqual({});
  });

  it('names the problem with each field', () => {
    expect(checkCredentials({ username: 'ab', password: 'short' })).toEqual({
      username: 'A user name has 3–32 characters; this one has 2.',
      password: 'A password has 8–256 characters; this one has 5.',
    });
    expect(checkCredentials({ username: 'a'.repeat(33), password: 'p'.repeat(257) }).password).toMatch(/257/);
    expect(checkCredentials({ username: '_ada', password: '12345678' }).username).toMatch(/starting with a letter or digit/);
    expect(checkCredentials({ username: 'ada lovelace', password: '12345678' }).username).toMatch(/Use letters/);
  });

  it('trims and lower-cases the name like the server; passwords keep their spaces', () => {
    expect(normaliseUsername('  Ada ')).toBe('ada');
    expect(checkCredentials({ username: '  Ada ', password: '1234567 ' })).toEqual({});
  });
});
