import { defineConfig } from '@playwright/test';

/**
 * E2E suites run against the built server (`npm run build` first), started once on an ephemeral
 * port by e2e/global-setup.ts. Chromium runs by default; Firefox runs when PATCHROOM_FIREFOX=1
 * (it needs a display: run under `xvfb-run -a`; `npm run e2e:firefox` does both). Firefox runs the
 * video suites only: it is slow here (software GL under xvfb on a shared machine).
 */
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  globalSetup: './e2e/global-setup.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  use: {
    viewport: { width: 320, height: 180 },
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: { browserName: 'chromium', launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs } },
    },
    ...(process.env.PATCHROOM_FIREFOX === '1'
      ? [
          {
            name: 'firefox',
            testMatch: '**/video*.spec.ts',
            use: { browserName: 'firefox' as const, channel: 'moz-firefox', launchOptions: { executablePath: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr' } },
          },
        ]
      : []),
  ],
});
