import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

/** The repository root (this file lives in <root>/environment). */
export const repoRoot = path.resolve(__dirname, '..');

/** Where native binaries are downloaded once and reused: E2E_CACHE_DIR (relative to the repo root) or .cache/. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(repoRoot, env.E2E_CACHE_DIR || '.cache');
}

/**
 * Service logs of a Playwright run: <outputDir>/.env-logs (test-results/ unless --output moves it).
 * Playwright empties the output dir before global setup runs, so each run starts with fresh logs
 * that stay after the run for reading.
 */
export function runLogDir(outputDir = path.join(repoRoot, 'test-results')): string {
  return path.join(outputDir, '.env-logs');
}

const KEPT_CLI_LOG_DIRS = 5;

/**
 * Service logs of one `environment/cli.ts` invocation (or one isolated environment started outside a
 * test): <cache>/logs/<command>-<time>-<pid>, kept out of test-results/ so a test run does not delete
 * them, and per invocation so two `up`s do not write into each other's files. Only the newest few
 * folders are kept.
 */
export function cliLogDir(command: string, env: NodeJS.ProcessEnv = process.env): string {
  const root = path.join(cacheDir(env), 'logs');
  pruneOldLogDirs(root, KEPT_CLI_LOG_DIRS - 1);
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return path.join(root, `${command}-${stamp}-${process.pid}`);
}

function pruneOldLogDirs(root: string, keep: number): void {
  let dirs: { dir: string; modified: number }[];
  try {
    dirs = readdirSync(root, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => ({ dir: path.join(root, entry.name), modified: statSync(path.join(root, entry.name)).mtimeMs }));
  } catch {
    return; // no logs yet
  }
  dirs.sort((a, b) => b.modified - a.modified);
  for (const { dir } of dirs.slice(keep)) if (!ownerStillRuns(dir)) rmSync(dir, { recursive: true, force: true });
}

/** The folder name ends in the pid of the invocation that writes into it. */
function ownerStillRuns(dir: string): boolean {
  const pid = Number(/-(\d+)$/.exec(dir)?.[1]);
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A path shown relative to the repo root when it is inside it, to keep messages short. */
export function displayPath(file: string): string {
  const relative = path.relative(repoRoot, file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}
