import { describe, expect, it } from 'vitest';
import { createLogger, type LogLevel } from './log';

function capture(level?: LogLevel) {
  const lines: string[] = [];
  const log = createLogger(level, (line) => lines.push(line));
  return { log, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('createLogger', () => {
  it('writes one JSON object a line with time, level, message and fields', () => {
    const { log, lines, parsed } = capture('debug');
    const before = Date.now();
    log.info('request', { request_id: 'r1', status: 200, nested: { a: [1, 2] } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    const [entry] = parsed();
    expect(entry).toEqual({ time: expect.any(String), level: 'info', msg: 'request', request_id: 'r1', status: 200, nested: { a: [1, 2] } });
    const time = Date.parse(entry!.time as string);
    expect(time).toBeGreaterThanOrEqual(before - 1);
    expect(entry!.time).toBe(new Date(time).toISOString());
  });

  it('escapes messages so every entry stays on one line', () => {
    const { log, lines, parsed } = capture();
    log.error('failed\nwith "quotes"', { stack: 'Error: x\n    at y' });
    expect(lines).toHaveLength(1);
    expect(parsed()[0]).toMatchObject({ msg: 'failed\nwith "quotes"', stack: 'Error: x\n    at y', level: 'error' });
  });

  it.each([
    ['debug', ['debug', 'info', 'warn', 'error']],
    ['info', ['info', 'warn', 'error']],
    ['warn', ['warn', 'error']],
    ['error', ['error']],
  ] as const)('at level %s writes %j', (level, expected) => {
    const { log, parsed } = capture(level);
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    expect(parsed().map((e) => e.level)).toEqual(expected);
  });

  it('logs at info by default', () => {
    const { log, parsed } = capture();
    log.debug('hidden');
    log.info('shown');
    expect(parsed().map((e) => e.msg)).toEqual(['shown']);
  });
});

describe('createLogger: reserved fields', () => {
  it('keeps the real level, message and time when fields use those names', () => {
    const { log, parsed } = capture('debug');
    log.error('disk full', { level: 'info', msg: 'all good', time: 'yesterday', path: '/x' });
    const [entry] = parsed();
    expect(entry).toMatchObject({ level: 'error', msg: 'disk full', path: '/x' });
    expect(entry!.time).not.toBe('yesterday');
    expect(Object.keys(entry!).slice(0, 3)).toEqual(['time', 'level', 'msg']);
  });
});
