import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Starts the real built server on an ephemeral port with a throwaway data dir and shares its URL
 * with the tests through PATCHROOM_URL. Returns the teardown.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  if (process.env.PATCHROOM_URL) return async () => {};
  // PATCHROOM_DIST lets a run use a copy of the build while another build is being written.
  const dist = process.env.PATCHROOM_DIST ?? join(import.meta.dirname, '..', 'dist');
  const entry = join(dist, 'server', 'main.js');
  if (!existsSync(entry)) throw new Error('No server build: run `npm run build` before `npm run e2e`.');
  const dataDir = mkdtempSync(join(tmpdir(), 'patchroom-e2e-'));
  const child = spawn(process.execPath, [entry], {
    env: {
      ...process.env,
      CLIENT_DIR: join(dist, 'client'),
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      // The video suites' media host is a fake upstream on 127.0.0.1 (plugins/media-proxy/test-support).
      MEDIA_ALLOW_LOOPBACK: '1',
      MEDIA_ALLOWED_HOSTS: '127.0.0.1',
      MEDIA_ALLOWED_PORTS: '*',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`Server did not start within 15 s. Output:\n${buffer}`)), 15_000);
    child.on('exit', (code) => reject(new Error(`Server exited with code ${code}. Output:\n${buffer}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (const line of buffer.split('\n')) {
        if (!line.startsWith('{')) continue;
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg === 'listening' && entry.port) {
          clearTimeout(timer);
          child.stdout.removeAllListeners('data');
          child.stdout.resume(); // keep draining the access log
          resolve(`http://127.0.0.1:${entry.port}`);
          return;
        }
      }
    });
  });
  process.env.PATCHROOM_URL = url;
  return async () => {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  };
}
