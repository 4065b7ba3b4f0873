import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

export interface ChromiumChoice {
  /** 'playwright' when Playwright's own browser is installed, 'system' for a system Chromium, 'missing' otherwise. */
  source: 'playwright' | 'system' | 'missing';
  executablePath?: string;
  launchOptions: { executablePath?: string; args?: string[] };
  /** One line saying how to get a browser, when none was found. */
  problem?: string;
}

/** Flags a system Chromium needs here: root needs --no-sandbox; the rest keep it off a closed network. */
export const SYSTEM_CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Playwright's own Chromium first; else CHROMIUM_PATH or /usr/bin/chromium; else a one-line problem. */
export function resolveChromium(env: NodeJS.ProcessEnv = process.env): ChromiumChoice {
  if (!env.CHROMIUM_PATH) {
    let bundled: string | undefined;
    try {
      bundled = chromium.executablePath();
    } catch {
      bundled = undefined;
    }
    if (bundled && existsSync(bundled)) return { source: 'playwright', executablePath: bundled, launchOptions: {} };
  }
  const candidates = [env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean) as string[];
  const system = candidates.find((path) => existsSync(path));
  if (system) {
    return { source: 'system', executablePath: system, launchOptions: { executablePath: system, args: SYSTEM_CHROMIUM_ARGS } };
  }
  return {
    source: 'missing',
    launchOptions: {},
    problem:
      'No Chromium found: run `npx playwright install chromium`, or install a system Chromium (Debian: `apt-get install chromium`) and set CHROMIUM_PATH if it is not /usr/bin/chromium.',
  };
}
