import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './config';
import { createLogger } from './log';
import type { KoaServerPlugin } from './plugin-host';
import { startServer, type RunningServer } from './start';

/**
 * For tests: the real server (real plugins, real SQLite file) on an ephemeral port, with a data dir
 * in a temp folder that outlives `close()` so a test can start again on it. Not part of the build.
 */
export interface TestServer extends RunningServer {
  dataDir: string;
  logs: string[];
  /** A client with its own cookie jar, like one browser. */
  client(): TestClient;
  /** Closes and removes the data dir. */
  destroy(): Promise<void>;
}

export async function startTestServer(options: { dataDir?: string; env?: Record<string, string>; plugins?: readonly KoaServerPlugin[] } = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'patchroom-data-'));
  const clientDir = join(dataDir, '..', `${dataDir.split(/[\\/]/).pop()}-client`);
  mkdirSync(join(clientDir, 'sandbox'), { recursive: true });
  writeFileSync(join(clientDir, 'play.html'), '<!doctype html><title>player</title>');
  writeFileSync(join(clientDir, 'sandbox', 'frame.html'), '<!doctype html><title>frame</title>');
  const env = { ...options.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, CLIENT_DIR: clientDir };
  const logs: string[] = [];
  const removeDirs = () => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(clientDir, { recursive: true, force: true });
  };
  let server: RunningServer;
  try {
    server = await startServer(loadConfig(env), createLogger('debug', (line) => logs.push(line)), { env, ...(options.plugins ? { plugins: options.plugins } : {}) });
  } catch (error) {
    if (!options.dataDir) removeDirs();
    throw error;
  }
  const url = `http://127.0.0.1:${server.port}`;
  return {
    ...server,
    url,
    dataDir,
    logs,
    client: () => new TestClient(url),
    async destroy() {
      await server.close();
      removeDirs();
    },
  };
}

export interface TestResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

interface Cookie {
  value: string;
  path: string;
  attributes: string;
}

/** fetch with a cookie jar that honours Path and Max-Age, sending the CSRF header unless told not to. */
export class TestClient {
  readonly cookies = new Map<string, Cookie>();
  constructor(readonly base: string) {}

  async request<T = any>(method: string, path: string, options: { body?: unknown; headers?: Record<string, string>; csrf?: boolean; raw?: string } = {}): Promise<TestResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.csrf !== false) headers['X-Patchroom-CSRF'] ??= '1';
    const cookie = [...this.cookies].filter(([, c]) => path.startsWith(c.path)).map(([name, c]) => `${name}=${c.value}`).join('; ');
    if (cookie) headers.Cookie = cookie;
    let body: string | undefined = options.raw;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['Content-Type'] ??= 'application/json';
    }
    const res = await fetch(this.base + path, { method, headers, ...(body !== undefined ? { body } : {}), redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) this.store(line);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, headers: res.headers, body: parsed as T };
  }

  get<T = any>(path: string, headers?: Record<string, string>) {
    return this.request<T>('GET', path, headers ? { headers } : {});
  }

  post<T = any>(path: string, body?: unknown, options: { headers?: Record<string, string>; csrf?: boolean } = {}) {
    return this.request<T>('POST', path, { ...options, ...(body !== undefined ? { body } : {}) });
  }

  private store(line: string) {
    const [pair, ...attrs] = line.split(';').map((part) => part.trim());
    const [name, ...rest] = pair!.split('=');
    const value = rest.join('=');
    const path = attrs.find((a) => /^path=/i.test(a))?.slice(5) ?? '/';
    const maxAge = attrs.find((a) => /^max-age=/i.test(a));
    const expires = attrs.find((a) => /^expires=/i.test(a));
    const gone = value === '' || (maxAge !== undefined && Number(maxAge.slice(8)) <= 0) || (expires !== undefined && Date.parse(expires.slice(8)) <= Date.now());
    if (gone) this.cookies.delete(name!);
    else this.cookies.set(name!, { value, path, attributes: attrs.join('; ') });
  }
}
