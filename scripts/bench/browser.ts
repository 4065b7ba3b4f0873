import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { chromium } from '@playwright/test';
import { resolveChromium, SYSTEM_CHROMIUM_ARGS } from '../../environment/browser';
import { withDeadline } from '../../fixtures/wait';
import { timeEach } from './stats';

const WAIT_MS = 30_000;

/**
 * Figure 6: a browser test's fixed cost as Playwright's runner pays it with playwright.config.ts's `use` (the
 * browser is per worker, so not counted): a new context (viewport 1280×800, baseURL, tracing on for
 * trace: 'retain-on-failure'), a page, the first navigation to the catalog (waiting for `load`), then the trace
 * stopped and discarded and the context closed, as for a passing test.
 */
export async function playwrightFixedCost(shopUrl: string, count: number): Promise<number[]> {
  const browser = await chromium.launch(resolveChromium().launchOptions);
  const traces = mkdtempSync(path.join(os.tmpdir(), 'bench-traces-'));
  try {
    const once = async (index: number) => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: shopUrl });
      await context.tracing.start({ screenshots: true, snapshots: true, sources: true });
      const page = await context.newPage();
      const response = await page.goto('/');
      if (!response?.ok()) throw new Error(`the catalog answered ${response?.status()}`);
      await context.tracing.stop({ path: path.join(traces, `trace-${index}.zip`) });
      await context.close();
    };
    await timeEach(2, once);
    return await timeEach(count, once);
  } finally {
    await browser.close();
    rmSync(traces, { recursive: true, force: true });
  }
}

/** Chromium's DevTools protocol over --remote-debugging-pipe: messages are JSON, each ended by a NUL byte. */
class CdpPipe {
  private nextId = 1;
  private buffered = '';
  private readonly pending = new Map<number, { resolve: (value: Record<string, unknown>) => void; reject: (error: Error) => void }>();
  private readonly eventListeners = new Set<(method: string, sessionId: string | undefined) => void>();

  constructor(
    private readonly input: Writable,
    output: Readable,
  ) {
    output.setEncoding('utf8');
    output.on('data', (chunk: string) => {
      this.buffered += chunk;
      for (let end = this.buffered.indexOf('\0'); end >= 0; end = this.buffered.indexOf('\0')) {
        const message = JSON.parse(this.buffered.slice(0, end)) as {
          id?: number;
          result?: Record<string, unknown>;
          error?: { message: string };
          method?: string;
          sessionId?: string;
        };
        this.buffered = this.buffered.slice(end + 1);
        if (message.id !== undefined) {
          const waiter = this.pending.get(message.id);
          this.pending.delete(message.id);
          if (message.error) waiter?.reject(new Error(message.error.message));
          else waiter?.resolve(message.result ?? {});
        } else if (message.method) {
          for (const listener of [...this.eventListeners]) listener(message.method, message.sessionId);
        }
      }
    });
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    const answer = new Promise<Record<string, unknown>>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.input.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    return withDeadline(answer, WAIT_MS, () => `Chromium did not answer ${method} within ${WAIT_MS} ms`);
  }

  /** Resolves at the next event `method` of the session. Register before triggering it. */
  next(method: string, sessionId: string): Promise<void> {
    let listener: (name: string, session: string | undefined) => void = () => undefined;
    const seen = new Promise<void>((resolve) => {
      listener = (name, session) => {
        if (name === method && session === sessionId) resolve();
      };
      this.eventListeners.add(listener);
    });
    return withDeadline(seen, WAIT_MS, () => `no ${method} within ${WAIT_MS} ms`, () => this.eventListeners.delete(listener));
  }
}

/**
 * Floor of figure 6: the same Chromium binary the suite uses, driven over its own DevTools pipe with no
 * Playwright in between: a new browser context, a target in it, Page.navigate to the catalog and its
 * load event, then the context disposed.
 */
export async function rawChromiumFixedCost(shopUrl: string, count: number): Promise<number[]> {
  const choice = resolveChromium();
  if (!choice.executablePath) throw new Error(choice.problem ?? 'no Chromium');
  const profile = mkdtempSync(path.join(os.tmpdir(), 'bench-chromium-'));
  const args = [
    '--headless',
    '--remote-debugging-pipe',
    `--user-data-dir=${profile}`,
    ...SYSTEM_CHROMIUM_ARGS,
    'about:blank',
  ];
  // Its own process group, so that its renderer and utility processes end with it (they write to the profile).
  const browser: ChildProcess = spawn(choice.executablePath, args, { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'], detached: true });
  try {
    const cdp = new CdpPipe(browser.stdio[3] as Writable, browser.stdio[4] as Readable);
    const once = async () => {
      const { browserContextId } = await cdp.send('Target.createBrowserContext');
      const { targetId } = await cdp.send('Target.createTarget', { url: 'about:blank', browserContextId });
      const { sessionId } = (await cdp.send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
      await cdp.send('Page.enable', {}, sessionId);
      const loaded = cdp.next('Page.loadEventFired', sessionId);
      const navigation = (await cdp.send('Page.navigate', { url: `${shopUrl}/` }, sessionId)) as { errorText?: string };
      if (navigation.errorText) throw new Error(`Chromium could not open the catalog: ${navigation.errorText}`);
      await loaded;
      await cdp.send('Target.disposeBrowserContext', { browserContextId });
    };
    await timeEach(2, once);
    return await timeEach(count, once);
  } finally {
    const exited = new Promise<void>((resolve) => (browser.exitCode !== null || browser.signalCode !== null ? resolve() : browser.once('exit', () => resolve())));
    try {
      process.kill(-browser.pid!, 'SIGKILL');
    } catch {
      browser.kill('SIGKILL');
    }
    await withDeadline(exited, WAIT_MS, () => 'the raw Chromium did not exit').catch(() => undefined);
    // A child killed a moment after the main process may still have had a file open: a few retries cover it.
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
}
