import { resolve } from 'node:path';
import type { EnvReader, ServerSettings } from '../runtime/plugin/server';

export interface ServerConfig extends ServerSettings {
  port: number;
  host: string;
  /** The built studio and player (`vite build` output). */
  clientDir: string;
  dataDir: string;
  /** Largest request body accepted, in bytes. */
  bodyLimit: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** How long shutdown waits for requests in flight before it gives up on them. */
  shutdownTimeoutMs: number;
}

/**
 * Configuration from environment variables, each with a safe default (all listed in the README).
 * Invalid values stop the server at start with a message naming the variable. Plugins read their
 * own variables through the same reader (`host.env`).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ServerConfig {
  const read = envReader(env);
  return {
    port: read.int('PORT', 8080, 0, 65535),
    host: read.string('HOST', '127.0.0.1'),
    clientDir: resolve(cwd, read.string('CLIENT_DIR', 'dist/client')),
    dataDir: resolve(cwd, read.string('DATA_DIR', 'data')),
    bodyLimit: read.int('BODY_LIMIT', 1024 * 1024, 1024, 64 * 1024 * 1024),
    logLevel: read.choice('LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, 'info'),
    allowedOrigins: read.list('ALLOWED_ORIGINS', []).map((origin) => checkOrigin(origin)),
    cookieSecure: read.choice('COOKIE_SECURE', ['auto', 'always', 'never'] as const, 'auto'),
    trustProxy: read.choice('TRUST_PROXY', ['0', '1'] as const, '0') === '1',
    mediaAllowedHosts: read.list('MEDIA_ALLOWED_HOSTS', ['archive.org', '*.archive.org', '*.us.archive.org']).map((host) => checkHostPattern(host)),
    shutdownTimeoutMs: read.int('SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
  };
}

export function envReader(env: NodeJS.ProcessEnv): EnvReader {
  const optional = (name: string) => {
    const raw = env[name]?.trim();
    return raw ? raw : undefined;
  };
  return {
    optional,
    string: (name, fallback) => optional(name) ?? fallback,
    int: (name, fallback, min, max) => intVar(env, name, fallback, min, max),
    choice: (name, options, fallback) => choiceVar(env, name, options, fallback),
    list: (name, fallback) => {
      const raw = optional(name);
      return raw === undefined ? [...fallback] : raw.split(',').map((item) => item.trim()).filter(Boolean);
    },
  };
}

function intVar(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  // Decimal digits only: Number() would also take "0x1F90", "1e3" or "80.0".
  const value = /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be a whole number from ${min} to ${max}; got "${raw}".`);
  return value;
}

function choiceVar<T extends string>(env: NodeJS.ProcessEnv, name: string, options: readonly T[], fallback: T): T {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!options.includes(raw as T)) throw new Error(`${name} must be one of ${options.join(', ')}; got "${raw}".`);
  return raw as T;
}

function checkOrigin(origin: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(origin);
  } catch {
    parsed = undefined;
  }
  // An origin is scheme, host and port only: "https://example.org", not a URL with a path.
  if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin.replace(/\/$/, '')) {
    throw new Error(`ALLOWED_ORIGINS must list origins like https://example.org (scheme, host, optional port); got "${origin}".`);
  }
  return parsed.origin;
}

function checkHostPattern(host: string): string {
  if (!/^(\*\.)?([a-z0-9-]+\.)*[a-z0-9-]+$/i.test(host)) throw new Error(`MEDIA_ALLOWED_HOSTS must list host names, optionally as *.example.org; got "${host}".`);
  return host.toLowerCase();
}
