import { defineConfig } from '@playwright/test';
import { config as loadDotenv } from 'dotenv';
import { resolveChromium } from './environment/browser';
import { passwordHashingNote, passwordHashRounds } from './environment/password-hashing';
import { DEFAULT_WAIT_MS } from './fixtures/timeouts';
import { otherShardsFiles, parseShard } from './shards';

loadDotenv({ quiet: true });

const isCI = !!process.env.CI;
const chromium = resolveChromium();

/**
 * Workers: measured on a 2-core machine (see README, "Choosing the worker count").
 * E2E_WORKERS or --workers overrides it.
 */
const workers = process.env.E2E_WORKERS ? Number(process.env.E2E_WORKERS) || process.env.E2E_WORKERS : 2;

/** E2E_SHARD=i/n: shard i of n, whole files balanced by their recorded times (shards.ts); --shard cuts by count. */
const shard = (() => {
  try {
    return parseShard(process.env.E2E_SHARD);
  } catch (error) {
    // One line, not a stack: the setting is wrong, not the code.
    console.error(`[env] ${(error as Error).message}`);
    process.exit(2);
  }
})();

/** The spec files of the other shards, which this run leaves out. */
const otherShards = shard ? otherShardsFiles(shard) : [];

export default defineConfig({
  testDir: './tests',
  testIgnore: shard ? otherShards : undefined,
  fullyParallel: true,
  forbidOnly: isCI,
  retries: 0,
  workers,
  timeout: 60_000,
  expect: { timeout: DEFAULT_WAIT_MS },
  globalSetup: './global-setup.ts',
  // Shown at the top of the HTML report and kept in the JSON one: what this run's shop trades for speed.
  metadata: process.env.SHOP_URL ? {} : { passwordHashing: passwordHashingNote(passwordHashRounds()) },
  // Reporters end in this order: the summary and the JSON results first, the blob report (for merging shards) last.
  // E2E_BLOB_REPORT=off leaves it out where nothing merges it (.ci/run).
  reporter: isCI
    ? [
        ['list'],
        ['json', { outputFile: 'test-results/results.json' }],
        ...(process.env.E2E_BLOB_REPORT === 'off' ? [] : [['blob', shard ? { fileName: `report-${shard.current}.zip` } : {}] as const]),
      ]
    : [['html', { open: 'never' }], ['list']],
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    baseURL: process.env.SHOP_URL,
  },
  projects: [
    {
      // The harness's self-tests, first: a view that stopped capturing (events, mails, a report's attachments) would
      // let the suite pass, so nothing else runs until they show that it can fail. `--no-deps` leaves them out.
      name: 'fixtures',
      testMatch: ['harness/**/*.spec.ts'],
    },
    {
      name: 'api',
      dependencies: ['fixtures'],
      testMatch: ['api/**/*.spec.ts', 'events/**/*.spec.ts', 'data/**/*.spec.ts', 'journeys/**/*-api.spec.ts', 'faults/**/*.spec.ts', 'security/**/*.spec.ts', 'graphql/**/*.spec.ts'],
      // The security specs that drive a browser are the browser project's. A project's testIgnore replaces the
      // top-level one, so the other shards' files are repeated here.
      testIgnore: [...otherShards, 'security/**/*-browser.spec.ts'],
    },
    {
      name: 'browser',
      testMatch: ['web/**/*.spec.ts', 'journeys/**/*-browser.spec.ts', 'security/**/*-browser.spec.ts'],
      dependencies: ['fixtures'],
      use: {
        browserName: 'chromium',
        viewport: { width: 1280, height: 800 },
        launchOptions: chromium.launchOptions,
      },
    },
    {
      // The load test (tests/load): 50 connections on the one shop would slow the other tests' requests, so it
      // runs after them, alone. Dependencies run whatever the filter: alone, run it with `--project load --no-deps`.
      name: 'load',
      testMatch: ['load/**/*.spec.ts'],
      dependencies: ['api', 'browser'],
    },
  ],
});
