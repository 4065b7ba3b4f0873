import { defineConfig } from '@playwright/test';
import { resolveChromium } from '../../../environment/browser';

/**
 * The inner run of tests/harness/report-attachments.spec.ts: deliberately failing tests, run as a child of a test run
 * against that run's environment (its variables are inherited; no global setup here), reporting to a JSON file.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '*.inner.ts',
  workers: 1,
  retries: 0,
  timeout: 60_000,
  outputDir: process.env.E2E_INNER_OUTPUT,
  reporter: [['json', { outputFile: process.env.E2E_INNER_REPORT }]],
  use: {
    baseURL: process.env.SHOP_URL,
    browserName: 'chromium',
    launchOptions: resolveChromium().launchOptions,
    trace: 'retain-on-failure',
  },
});
