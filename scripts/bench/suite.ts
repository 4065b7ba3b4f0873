import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../environment/paths';

export interface SuiteRun {
  name: string;
  wallMs: number;
  exitCode: number | null;
  log: string;
}

/**
 * One `npx playwright test` as CI runs it (its own environment, global-setup.ts), its wall time from spawn to
 * exit. Output goes to a folder of its own under the OS temp dir, so it clears nobody's test-results.
 */
async function runSuite(name: string, baseEnv: NodeJS.ProcessEnv, extraEnv: Record<string, string>, logDir: string): Promise<SuiteRun> {
  const output = path.join(os.tmpdir(), `bench-suite-${process.pid}`, name);
  rmSync(output, { recursive: true, force: true });
  mkdirSync(output, { recursive: true });
  const log = path.join(logDir, `suite-${name}.log`);
  const fd = openSync(log, 'w');
  const began = performance.now();
  try {
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      const child = spawn('npx', ['playwright', 'test', '--output', output, '--reporter=dot'], {
        cwd: repoRoot,
        env: { ...baseEnv, ...extraEnv, PLAYWRIGHT_HTML_OPEN: 'never' },
        stdio: ['ignore', fd, fd],
      });
      child.once('error', reject);
      child.once('exit', (code) => resolve(code));
    });
    return { name, wallMs: performance.now() - began, exitCode, log };
  } finally {
    closeSync(fd);
  }
}

/**
 * Figure 7 (opt-in, --suite), with `baseEnv` the bench's environment before it started its own stack: the whole suite unsharded, then each of 4 shards (E2E_SHARD=i/4, shards.ts)
 * one after another, as 4 CI machines would run them at once. Same machine, same worker count.
 */
export async function suiteAndShards(
  baseEnv: NodeJS.ProcessEnv,
  logDir: string,
  shards = 4,
): Promise<{ unsharded: SuiteRun; shards: SuiteRun[] }> {
  const unsharded = await runSuite('unsharded', baseEnv, {}, logDir);
  console.log(`[bench] suite unsharded: ${(unsharded.wallMs / 1000).toFixed(1)} s (exit ${unsharded.exitCode})`);
  const runs: SuiteRun[] = [];
  for (let index = 1; index <= shards; index += 1) {
    const run = await runSuite(`shard-${index}-of-${shards}`, baseEnv, { E2E_SHARD: `${index}/${shards}` }, logDir);
    console.log(`[bench] shard ${index}/${shards}: ${(run.wallMs / 1000).toFixed(1)} s (exit ${run.exitCode})`);
    runs.push(run);
  }
  return { unsharded, shards: runs };
}
