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
      sourcemap: entry === 'renderer',
      lib: {
        entry: join(import.meta.dirname, `runtime/sandbox/${entry}.ts`),
        formats: ['iife'],
        name: entry === 'frame' ? 'PatchroomFrame' : 'PatchroomRenderer',
        fileName: () => `${entry}.js`,
      },
    },
    plugins: [
      {
        // frame.html carries the frame script inline: one request fewer on the way to the first frame.
        name: 'patchroom-sandbox-html',
        generateBundle(_options, bundle) {
          if (entry !== 'frame') return;
          const chunk = bundle['frame.js'];
          if (!chunk || chunk.type !== 'chunk') throw new Error('frame.js was not built');
          const script = chunk.code.replace(/<\/script/gi, '<\\/script').replace(/\/\/# sourceMappingURL=.*$/m, '');
          const html = readFileSync(join(import.meta.dirname, 'runtime/sandbox/frame.html'), 'utf8').replace('<script src="frame.js"></script>', () => `<script>${script}</script>`);
          if (!html.includes(script)) throw new Error('frame.html has no <script src="frame.js"> placeholder');
          delete bundle['frame.js'];
          delete bundle['frame.js.map'];
          this.emitFile({ type: 'asset', fileName: 'frame.html', source: html });
        },
      },
    ],
  };
});
