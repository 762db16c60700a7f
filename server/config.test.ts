import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config';

describe('loadConfig', () => {
  it('has safe defaults for everything', () => {
    expect(loadConfig({}, '/srv/patchroom')).toEqual({
      port: 8080,
      host: '127.0.0.1',
      clientDir: resolve('/srv/patchroom', 'dist/client'),
      dataDir: resolve('/srv/patchroom', 'data'),
      bodyLimit: 1024 * 1024,
      logLevel: 'info',
    });
  });

  it('treats empty and blank variables as unset', () => {
    expect(loadConfig({ PORT: '', HOST: '  ', LOG_LEVEL: ' ', CLIENT_DIR: '', BODY_LIMIT: ' ' }, '/srv')).toEqual(loadConfig({}, '/srv'));
  });

  it('reads every variable, resolving directories against the working directory', () => {
    const config = loadConfig(
      { PORT: '3000', HOST: ' 0.0.0.0 ', CLIENT_DIR: 'build/client', DATA_DIR: '/var/lib/patchroom', BODY_LIMIT: '2048', LOG_LEVEL: 'debug' },
      '/srv/app',
    );
    expect(config).toEqual({
      port: 3000,
      host: '0.0.0.0',
      clientDir: '/srv/app/build/client',
      dataDir: '/var/lib/patchroom',
      bodyLimit: 2048,
      logLevel: 'debug',
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

describe('loadConfig: numbers', () => {
  it('accepts surrounding spaces around a decimal number', () => {
    expect(loadConfig({ PORT: ' 3000 ' }).port).toBe(3000);
  });
});
