import { defineConfig } from '@playwright/test';
import { config as loadDotenv } from 'dotenv';
import { resolveChromium } from './environment/browser';
import { DEFAULT_WAIT_MS } from './fixtures/timeouts';

loadDotenv({ quiet: true });

const isCI = !!process.env.CI;
const chromium = resolveChromium();

/**
 * Workers: measured on a 2-core machine (see README, "Choosing the worker count").
 * E2E_WORKERS or --workers overrides it.
 */
const workers = process.env.E2E_WORKERS ? Number(process.env.E2E_WORKERS) || process.env.E2E_WORKERS : 2;

export default defineConfig({
  testDir: './tests',
  fullyParallel: true,
  forbidOnly: isCI,
  retries: 0,
  workers,
  timeout: 60_000,
  expect: { timeout: DEFAULT_WAIT_MS },
  globalSetup: './global-setup.ts',
  reporter: isCI
    ? [['blob'], ['list'], ['json', { outputFile: 'test-results/results.json' }]]
    : [['html', { open: 'never' }], ['list']],
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    baseURL: process.env.SHOP_URL,
  },
  projects: [
    {
      name: 'api',
      testMatch: ['api/**/*.spec.ts', 'events/**/*.spec.ts', 'data/**/*.spec.ts', 'journeys/**/*-api.spec.ts', 'faults/**/*.spec.ts'],
    },
    {
      name: 'browser',
      testMatch: ['web/**/*.spec.ts', 'journeys/**/*-browser.spec.ts'],
      use: {
        browserName: 'chromium',
        viewport: { width: 1280, height: 800 },
        launchOptions: chromium.launchOptions,
      },
    },
  ],
});
