import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vite';

const outDir = join(import.meta.dirname, 'dist/client/sandbox');
const RENDERER_SLOT = '<script type="text/plain" id="renderer-source"></script>';

/** Text for an inline `<script>`: nothing in it may end the element or change how HTML reads it. */
function inlineScript(code: string, name: string): string {
  if (/<!--|<script/i.test(code)) throw new Error(`${name} contains "<!--" or "<script": it cannot be inlined into frame.html`);
  return code.replace(/<\/script/gi, '<\\/script');
}

/**
 * The sandbox's two classic scripts, built one per run (`--mode renderer`, then `--mode frame`):
 * an opaque-origin iframe can only start a worker from a blob: URL that `importScripts` a classic
 * script, so these cannot be ES modules.
 */
export default defineConfig(({ mode }) => {
  const entry = mode === 'renderer' ? 'renderer' : 'frame';
  return {
    publicDir: false,
    resolve: {
      alias: [
        // regl's package main is its development build: every call validated, every draw command
        // generated with those checks inside (more code to compile in the worker, slower to start).
        // hydra-synth's own bundle, which the hydra editor runs, carries regl's unchecked build;
        // the renderer takes the same, and checks what user code passes itself (arg-guards,
        // shader-check, scoped sources).
        { find: /^regl$/, replacement: join(import.meta.dirname, 'node_modules/regl/dist/regl.unchecked.js') },
      ],
    },
    define: {
      // hydra-synth's dependencies read `global`; in the worker globalThis is the only global.
      global: 'globalThis',
      'process.env.NODE_ENV': JSON.stringify('production'),
    },
    build: {
      outDir,
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
        // frame.html carries the frame script inline, and the renderer's code as a data block (built
        // first: `npm run build:sandbox`): the first frame waits on no request after the document's.
        // Watch builds (npm run dev) leave the renderer out, so the frame fetches the current one.
        name: 'patchroom-sandbox-html',
        generateBundle(_options, bundle) {
          if (entry !== 'frame') return;
          const chunk = bundle['frame.js'];
          if (!chunk || chunk.type !== 'chunk') throw new Error('frame.js was not built');
          const script = inlineScript(chunk.code, 'frame.js').replace(/\/\/# sourceMappingURL=.*$/m, '');
          let html = readFileSync(join(import.meta.dirname, 'runtime/sandbox/frame.html'), 'utf8').replace('<script src="frame.js"></script>', () => `<script>${script}</script>`);
          if (!html.includes(script)) throw new Error('frame.html has no <script src="frame.js"> placeholder');
          if (!this.meta.watchMode) {
            const rendererFile = join(outDir, 'renderer.js');
            if (!existsSync(rendererFile)) throw new Error('renderer.js is not built: build the sandbox with --mode renderer first');
            const renderer = inlineScript(readFileSync(rendererFile, 'utf8'), 'renderer.js');
            if (!html.includes(RENDERER_SLOT)) throw new Error(`frame.html has no ${RENDERER_SLOT} placeholder`);
            // Function replacements: the code holds `$&` and the like, which a replacement string would expand.
            html = html.replace(RENDERER_SLOT, () => RENDERER_SLOT.replace('></', () => `>${renderer}</`));
            if (!html.includes(renderer)) throw new Error('renderer.js did not go into frame.html unchanged');
          }
          delete bundle['frame.js'];
          delete bundle['frame.js.map'];
          this.emitFile({ type: 'asset', fileName: 'frame.html', source: html });
        },
      },
    ],
  };
});
