import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatTimeLeft } from './format';

describe('format', () => {
  it('time left, in the largest whole unit', () => {
    const now = 1_000_000;
    expect(formatTimeLeft(now + 7 * 86_400_000, now)).toBe('in 7 days');
    expect(formatTimeLeft(now + 86_400_000, now)).toBe('in a day');
    expect(formatTimeLeft(now + 3_600_000, now)).toBe('in an hour');
    expect(formatTimeLeft(now + 5 * 60_000 + 10, now)).toBe('in 5 minutes');
    expect(formatTimeLeft(now + 10_000, now)).toBe('in less than a minute');
    expect(formatTimeLeft(now - 1, now)).toBe('expired');
  });

  it('durations', () => {
    expect(formatDuration(62.5)).toBe('1:03');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(null)).toBe('unknown length');
  });

  it('sizes', () => {
    expect(formatBytes(48_000_000)).toBe('48 MB');
    expect(formatBytes(1_500)).toBe('1.5 kB');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(null)).toBe('unknown size');
  });
});
