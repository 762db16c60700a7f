import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vite';

/**
 * The sandbox's two classic scripts, built one per run (`--mode frame` / `--mode renderer`):
 * an opaque-origin iframe can only start a worker from a blob: URL that `importScripts` a classic
 * script, so these cannot be ES modules.
 */
export default defineConfig(({ mode }) => {
  const entry = mode === 'renderer' ? 'renderer' : 'frame';
  return {
    publicDir: false,
    define: {
      // hydra-synth's dependencies read `global`; in the worker globalThis is the only global.
      global: 'globalThis',
      'process.env.NODE_ENV': JSON.stringify('production'),
    },
    build: {
      outDir: join(import.meta.dirname, 'dist/client/sandbox'),
      emptyOutDir: false,
      copyPublicDir: false,
      sourcemap: true,
      lib: {
        entry: join(import.meta.dirname, `runtime/sandbox/${entry}.ts`),
        formats: ['iife'],
        name: entry === 'frame' ? 'PatchroomFrame' : 'PatchroomRenderer',
        fileName: () => `${entry}.js`,
      },
    },
    plugins: [
      {
        name: 'patchroom-sandbox-html',
        generateBundle() {
          if (entry !== 'frame') return;
          this.emitFile({ type: 'asset', fileName: 'frame.html', source: readFileSync(join(import.meta.dirname, 'runtime/sandbox/frame.html'), 'utf8') });
        },
      },
    ],
  };
});
