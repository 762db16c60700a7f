import { defineConfig } from 'vite';

/** The server, bundled for Node (dependencies stay in node_modules). */
export default defineConfig({
  publicDir: false,
  build: {
    ssr: 'server/main.ts',
    outDir: 'dist/server',
    emptyOutDir: true,
    target: 'node20',
    sourcemap: true,
  },
});
