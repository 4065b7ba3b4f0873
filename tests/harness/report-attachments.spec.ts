import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from '../../fixtures';

interface InnerResult {
  status: string;
  errors: Array<{ message?: string }>;
  attachments: Array<{ name: string; body?: string; path?: string }>;
}

interface InnerReport {
  suites: Array<{ specs: Array<{ title: string; tests: Array<{ results: InnerResult[] }> }> }>;
}

const root = path.resolve(__dirname, '../..');

/** Runs tests/harness/inner as a child Playwright run against this run's environment; its JSON report, by test title. */
async function runInner(outputDir: string, noise: string): Promise<{ code: number | null; output: string; results: Map<string, InnerResult> }> {
  const reportFile = path.join(outputDir, 'inner-report.json');
  // The child is a run of its own: none of this worker's Playwright variables.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(TEST_|PW_|PLAYWRIGHT_)/.test(name)));
  const child = spawn(process.execPath, [path.join(root, 'node_modules/@playwright/test/cli.js'), 'test', '--config', 'tests/harness/inner/playwright.config.ts'], {
    cwd: root,
    env: { ...env, E2E_INNER_REPORT: reportFile, E2E_INNER_OUTPUT: path.join(outputDir, 'inner-results'), E2E_INNER_NOISE: noise },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as InnerReport;
  const results = new Map(report.suites.flatMap((suite) => suite.specs.map((spec) => [spec.title, spec.tests[0].results[0]] as const)));
  return { code, output, results };
}

const text = (result: InnerResult, name: string): string => {
  const attachment = result.attachments.find((candidate) => candidate.name === name);
  if (!attachment) throw new Error(`no ${name} among ${result.attachments.map((candidate) => candidate.name).join(', ')}`);
  return attachment.body !== undefined ? Buffer.from(attachment.body, 'base64').toString('utf8') : readFileSync(attachment.path ?? '', 'utf8');
};

/**
 * The shop's lines of the inner API test: its registration and the welcome mail sent for its event, and not a request
 * made in the same moment outside its fixtures. The run's shop log is read only when the run started the shop: with
 * SHOP_URL set there is none, and no `shop-log.txt` is attached.
 */
function expectOwnShopLines(api: InnerResult, noise: string): void {
  const logDir = process.env.E2E_RUN_LOG_DIR;
  const names = api.attachments.map((attachment) => attachment.name);
  if (!logDir) {
    expect(names, 'no log of a shop the run did not start').not.toContain('shop-log.txt');
    return;
  }
  const shopLog = text(api, 'shop-log.txt');
  expect(shopLog).toMatch(/^# shop: \d+ of the \d+ lines written while "inner: a customer registers/);
  expect(shopLog).toContain('→ POST /api/users');
  expect(shopLog).toMatch(/← 201 in \d+ ms/);
  expect(shopLog).toMatch(/mail sent \{"eventId":"[0-9a-f-]{36}","kind":"welcome"/);
  expect(readFileSync(path.join(logDir, 'shop.log'), 'utf8'), 'the noise request was logged').toContain(noise);
  expect(shopLog, 'a request of the same moment that is not the test’s').not.toContain(noise);
}

test.describe('the harness can fail: a failed test’s report', { tag: ['@protocol', '@contract'] }, () => {
  test('a deliberately failing inner run: the failed API test carries its own shop lines, events and mails; an undeclared page error fails a browser test and its console is attached; a declared one does not', async ({}, testInfo) => {
    test.setTimeout(120_000);
    const noise = randomUUID();

    const inner = await runInner(testInfo.outputPath(), noise);

    expect(inner.code, inner.output).toBe(1);
    const api = inner.results.get('inner: a customer registers, its event and welcome mail are seen, then the test fails');
    const undeclared = inner.results.get('inner: a page logs to the console and throws, undeclared');
    const declared = inner.results.get('inner: a page throws an error the test declared');
    expect([api?.status, undeclared?.status, declared?.status], inner.output).toEqual(['failed', 'failed', 'passed']);

    await test.step('the failed API test: its events, its mails, and the shop’s lines of this test only', async () => {
      const names = api!.attachments.map((attachment) => attachment.name);
      expect(names).toEqual(expect.arrayContaining(['kafka-events.json', 'mails.json', 'trace']));
      expect(text(api!, 'kafka-events.json')).toContain('users.registered');
      expect(text(api!, 'mails.json')).toMatch(/Welcome to Event Shop/);
      expectOwnShopLines(api!, noise);
    });

    await test.step('the undeclared page error: the test fails naming it, with the console attached', async () => {
      expect(undeclared!.errors.map((error) => error.message).join('\n')).toMatch(/1 uncaught page error\(s\) the test did not expect[\s\S]*inner uncaught error/);
      const console = text(undeclared!, 'browser-console.txt');
      expect(console).toContain('error inner console error');
      expect(console).toContain('uncaught inner uncaught error');
    });

    await test.step('the declared page error: the test passes, and a passing test attaches nothing', async () => {
      expect(declared!.errors).toEqual([]);
      expect(declared!.attachments).toEqual([]);
    });
  });
});
