import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envReader, loadConfig } from './config';

describe('loadConfig', () => {
  it('has safe defaults for everything', () => {
    expect(loadConfig({}, '/srv/patchroom')).toEqual({
      port: 8080,
      host: '127.0.0.1',
      clientDir: resolve('/srv/patchroom', 'dist/client'),
      dataDir: resolve('/srv/patchroom', 'data'),
      bodyLimit: 1024 * 1024,
      logLevel: 'info',
      allowedOrigins: [],
      cookieSecure: 'auto',
      trustProxy: false,
      mediaAllowedHosts: ['archive.org', '*.archive.org', '*.us.archive.org'],
      shutdownTimeoutMs: 10_000,
    });
  });

  it('treats empty and blank variables as unset', () => {
    expect(loadConfig({ PORT: '', HOST: '  ', LOG_LEVEL: ' ', CLIENT_DIR: '', BODY_LIMIT: ' ' }, '/srv')).toEqual(loadConfig({}, '/srv'));
  });

  it('reads every variable, resolving directories against the working directory', () => {
    const config = loadConfig(
      {
        PORT: '3000',
        HOST: ' 0.0.0.0 ',
        CLIENT_DIR: 'build/client',
        DATA_DIR: '/var/lib/patchroom',
        BODY_LIMIT: '2048',
        LOG_LEVEL: 'debug',
        ALLOWED_ORIGINS: 'https://studio.example.org, http://localhost:5173/',
        COOKIE_SECURE: 'always',
        TRUST_PROXY: '1',
        MEDIA_ALLOWED_HOSTS: 'Example.org,*.cdn.example.org',
        SHUTDOWN_TIMEOUT_MS: '2500',
      },
      '/srv/app',
    );
    expect(config).toEqual({
      port: 3000,
      host: '0.0.0.0',
      clientDir: '/srv/app/build/client',
      dataDir: '/var/lib/patchroom',
      bodyLimit: 2048,
      logLevel: 'debug',
      allowedOrigins: ['https://studio.example.org', 'http://localhost:5173'],
      cookieSecure: 'always',
      trustProxy: true,
      mediaAllowedHosts: ['example.org', '*.cdn.example.org'],
      shutdownTimeoutMs: 2500,
    });
  });

  it('accepts port 0 (any free port) and 65535', () => {
    expect(loadConfig({ PORT: '0' }).port).toBe(0);
    expect(loadConfig({ PORT: '65535' }).port).toBe(65535);
  });

  it.each(['http', '80.5', '-1', '65536', '1e9', 'NaN', '0x1F90', '1e3', '80.0', '8080abc'])('refuses PORT=%j, naming the variable and the range', (port) => {
    expect(() => loadConfig({ PORT: port })).toThrow(`PORT must be a whole number from 0 to 65535; got "${port}".`);
  });

  it('refuses a body limit out of range and an unknown log level', () => {
    expect(() => loadConfig({ BODY_LIMIT: '10' })).toThrow('BODY_LIMIT must be a whole number from 1024 to 67108864; got "10".');
    expect(() => loadConfig({ LOG_LEVEL: 'verbose' })).toThrow('LOG_LEVEL must be one of debug, info, warn, error; got "verbose".');
  });
});

describe('loadConfig: origins, hosts and switches', () => {
  it.each(['example.org', 'https://example.org/path', 'ftp://example.org', 'https://'])('refuses ALLOWED_ORIGINS=%j', (origin) => {
    expect(() => loadConfig({ ALLOWED_ORIGINS: origin })).toThrow(/^ALLOWED_ORIGINS must list origins/);
  });

  it('refuses host patterns that are not host names, and unknown switch values', () => {
    expect(() => loadConfig({ MEDIA_ALLOWED_HOSTS: 'http://x.org' })).toThrow(/^MEDIA_ALLOWED_HOSTS must list host names/);
    expect(() => loadConfig({ MEDIA_ALLOWED_HOSTS: '*' })).toThrow(/^MEDIA_ALLOWED_HOSTS/);
    expect(() => loadConfig({ COOKIE_SECURE: 'yes' })).toThrow('COOKIE_SECURE must be one of auto, always, never; got "yes".');
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow('TRUST_PROXY must be one of 0, 1; got "true".');
  });
});

describe('envReader', () => {
  it('reads optional values and lists, treating blanks as unset', () => {
    const env = envReader({ A: ' x ', B: ' ', L: 'a, b,,c ' });
    expect(env.optional('A')).toBe('x');
    expect(env.optional('B')).toBeUndefined();
    expect(env.string('B', 'fallback')).toBe('fallback');
    expect(env.list('L', [])).toEqual(['a', 'b', 'c']);
    expect(env.list('NONE', ['d'])).toEqual(['d']);
    expect(() => env.int('A', 1, 0, 10)).toThrow('A must be a whole number from 0 to 10; got " x ".');
  });
});

describe('loadConfig: numbers', () => {
  it('accepts surrounding spaces around a decimal number', () => {
    expect(loadConfig({ PORT: ' 3000 ' }).port).toBe(3000);
  });
});

describe('the README', () => {
  it('documents every environment variable the server and its plugins read', async () => {
    const { readdirSync, readFileSync, statSync } = await import('node:fs');
    const { join } = await import('node:path');
    const root = join(import.meta.dirname, '..');
    const sources = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const full = join(dir, name);
        if (statSync(full).isDirectory()) return sources(full);
        return /\.ts$/.test(name) && !/\.test\.ts$/.test(name) ? [full] : [];
      });
    const files = [join(root, 'server/config.ts'), ...readdirSync(join(root, 'plugins')).flatMap((p) => sources(join(root, 'plugins', p)).filter((f) => /\/server(\.ts|\/)/.test(f)))];
    const read = new Set(files.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/\b(?:read|env)\.(?:int|string|choice|list|optional)\(\s*'([A-Z][A-Z0-9_]+)'/g)].map((m) => m[1]!)));
    expect(read.size).toBeGreaterThan(20);
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect([...read].filter((name) => !readme.includes(`| \`${name}\` |`))).toEqual([]);
  });
});
