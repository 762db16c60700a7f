// Starts the built server (dist/server/main.js, or $PATCHROOM_DIST/server/main.js, each with its own
// client build) on a free port for a benchmark, as `npm start` runs it (the environment variables and
// Node options of package.json's start script) unless asked for a plain `node` start, with extra
// environment variables, and says where it listens.
// BENCH_SERVER_LOG=<file> keeps the server's log lines there (BENCH_SERVER_LOG_LEVEL: which).
// BENCH_SERVER_NODE_ARGS adds Node options for the server alone (NODE_OPTIONS refuses some, and
// would reach every child): e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it.
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');

/**
 * The environment variables and Node options package.json's start script runs the server with, read
 * from the script itself: a bench that starts the server "as npm start does" cannot drift from it.
 */
function npmStartRuntime() {
  const script = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts.start;
  const shape = /&&\s*((?:[A-Z_]+=\S+\s+)*)node\s+((?:--\S+\s+)*)dist\/server\/main\.js\s*$/.exec(script);
  if (!shape) throw new Error(`package.json's start script no longer reads "… && [VAR=value …] node [--option …] dist/server/main.js": ${script}`);
  const words = (text) => text.split(/\s+/).filter(Boolean);
  const env = Object.fromEntries(words(shape[1]).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
  return { env, nodeArgs: words(shape[2]) };
}

/** `plain: true` starts it as bare `node dist/server/main.js`, without the start script's settings. */
export async function startBuiltServer(env = {}, { plain = false } = {}) {
  const runtime = plain ? { env: {}, nodeArgs: [] } : npmStartRuntime();
  const nodeArgs = [...runtime.nodeArgs, ...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean)];
  const dist = process.env.PATCHROOM_DIST ?? join(root, 'dist');
  const child = spawn(process.execPath, [...nodeArgs, join(dist, 'server/main.js')], {
    // The server finds the client relative to its working directory: name the build's own.
    env: { ...process.env, ...runtime.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: process.env.BENCH_SERVER_LOG_LEVEL ?? 'info', CLIENT_DIR: join(dist, 'client'), ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`the server exited with ${code}; run npm run build first`)));
    let buffered = '';
    const onData = (chunk) => {
      buffered += chunk.toString();
      const line = buffered.split('\n').find((l) => l.includes('"listening"'));
      if (line) {
        child.stdout.off('data', onData);
        if (process.env.BENCH_SERVER_LOG) child.stdout.pipe(createWriteStream(process.env.BENCH_SERVER_LOG));
        else child.stdout.resume(); // keep draining the access log
        resolve(JSON.parse(line).port);
      }
    };
    child.stdout.on('data', onData);
  });
  const stopped = new Promise((resolve) => child.once('exit', resolve));
  return { url: `http://127.0.0.1:${port}`, pid: child.pid, stop: () => (child.kill('SIGTERM'), stopped) };
}
