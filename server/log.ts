import type { Logger } from '../runtime/plugin/server';

export type { Logger };
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Structured JSON logs, one object a line, to stdout (or any writer, for tests). */
export function createLogger(level: LogLevel = 'info', write: (line: string) => void = (line) => process.stdout.write(line + '\n')): Logger {
  const log = (at: LogLevel) => (msg: string, fields: Record<string, unknown> = {}) => {
    if (ORDER[at] < ORDER[level]) return;
    // A field named `time`, `level` or `msg` must not disguise the entry (an error as info): ours win, and stay first.
    const head = { time: new Date().toISOString(), level: at, msg };
    write(JSON.stringify(Object.assign({ ...head }, fields, head)));
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** A logger whose entries all carry `fields` (e.g. `plugin: "auth"`); the entry's own fields win. */
export function withFields(log: Logger, fields: Record<string, unknown>): Logger {
  const wrap = (at: keyof Logger) => (msg: string, own: Record<string, unknown> = {}) => log[at](msg, { ...fields, ...own });
  return { debug: wrap('debug'), info: wrap('info'), warn: wrap('warn'), error: wrap('error') };
}
