import { resolve } from 'node:path';

export interface ServerConfig {
  port: number;
  host: string;
  /** The built studio and player (`vite build` output). */
  clientDir: string;
  dataDir: string;
  /** Largest request body accepted, in bytes. */
  bodyLimit: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

/**
 * Configuration from environment variables, each with a safe default (all listed in the README).
 * Invalid values stop the server at start with a message naming the variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ServerConfig {
  return {
    port: intVar(env, 'PORT', 8080, 0, 65535),
    host: env.HOST?.trim() || '127.0.0.1',
    clientDir: resolve(cwd, env.CLIENT_DIR?.trim() || 'dist/client'),
    dataDir: resolve(cwd, env.DATA_DIR?.trim() || 'data'),
    bodyLimit: intVar(env, 'BODY_LIMIT', 1024 * 1024, 1024, 64 * 1024 * 1024),
    logLevel: choiceVar(env, 'LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, 'info'),
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
