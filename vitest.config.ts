import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{runtime,plugins,server,presets,studio,scripts}/**/*.test.{ts,tsx}'],
    environment: 'node',
    testTimeout: 20_000,
  },
});
