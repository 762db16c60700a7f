import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';

describe('reconnect backoff', () => {
  it('grows exponentially up to the cap', () => {
    const policy = { base: 500, max: 15_000 };
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((n) => backoffDelay(n, policy, 0.999999))).toEqual([500, 1000, 2000, 4000, 8000, 15000, 15000, 15000]);
  });

  it('spreads clients over the whole window, never below a floor', () => {
    const delays = Array.from({ length: 1000 }, () => backoffDelay(4));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(125);
    expect(Math.max(...delays)).toBeLessThanOrEqual(4000);
    expect(new Set(delays.map((d) => Math.floor(d / 500))).size).toBeGreaterThanOrEqual(7);
  });
});
