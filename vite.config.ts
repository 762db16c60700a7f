import { existsSync, readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const sandboxDir = join(import.meta.dirname, 'dist/client/sandbox');

/**
 * Dev server only: serves the sandbox bundles (built by `npm run build:sandbox -- --watch`) and
 * the player's routes, with the same headers the production server sends.
 */
function devRoutes(): Plugin {
  return {
    name: 'patchroom-dev-routes',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        if (url.pathname.startsWith('/sandbox/')) {
          const file = normalize(join(sandboxDir, url.pathname.slice('/sandbox/'.length)));
          if (!file.startsWith(sandboxDir) || !existsSync(file)) {
            res.statusCode = 404;
            res.end('Sandbox not built yet: run `npm run build:sandbox`.');
            return;
          }
          if (file.endsWith('.html')) res.setHeader('Content-Security-Policy', 'sandbox allow-scripts');
          else res.setHeader('Access-Control-Allow-Origin', '*');
          res.setHeader('Content-Type', file.endsWith('.html') ? 'text/html; charset=utf-8' : 'text/javascript; charset=utf-8');
          res.end(readFileSync(file));
          return;
        }
        if (url.pathname === '/' || url.pathname === '/play' || url.pathname.startsWith('/play/')) req.url = `/play.html${url.search}`;
        else if (url.pathname === '/studio' || url.pathname.startsWith('/studio/')) req.url = `/studio.html${url.search}`;
        next();
      });
    },
  };
}

export default defineConfig({
  root: 'studio',
  publicDir: false,
  plugins: [react(), devRoutes()],
  worker: { format: 'es' },
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    sourcemap: true,
    rollupOptions: {
      input: { play: join(import.meta.dirname, 'studio/play.html'), studio: join(import.meta.dirname, 'studio/studio.html') },
    },
  },
  // The API lives in the Koa server: run it alongside (`ALLOWED_ORIGINS=http://localhost:5173 npm start`).
  server: {
    port: 5173,
    proxy: {
      '/api': process.env.PATCHROOM_API ?? 'http://127.0.0.1:8080',
      '/sync': { target: process.env.PATCHROOM_API ?? 'http://127.0.0.1:8080', ws: true },
    },
  },
});
