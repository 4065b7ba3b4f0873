import net from 'node:net';
import { GenericContainer, Wait } from 'testcontainers';
import { EnvironmentError } from '../errors';
import { requireRedis } from '../native/requirements';
import { freePort } from '../ports';
import { spawnService, waitUntilReady } from '../processes';
import { relaunchable, type ServiceDefinition } from './definition';

/** Redis's port in its image; also the default of an external Redis. */
const REDIS_PORT = 6379;
const NATIVE_START_TIMEOUT_MS = 15_000;

/** REDIS_URL: where the shop keeps its catalog cache, and where the suite's `cache` fixture reads it. */
type Variable = 'REDIS_URL';

/** Host and port of a redis:// URL, or one line saying what is wrong with it. */
export function redisAddress(url: string): { host: string; port: number } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new EnvironmentError(`REDIS_URL=${url} is not a URL (expected e.g. redis://127.0.0.1:6379).`);
  }
  if (parsed.protocol !== 'redis:') throw new EnvironmentError(`REDIS_URL=${url} must start with redis:// (TLS and sockets are not supported here).`);
  return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port: Number(parsed.port || REDIS_PORT) };
}

/** Ready when it answers PING with PONG (a loading Redis answers -LOADING instead). */
function isReady({ REDIS_URL }: Record<Variable, string>): Promise<boolean> {
  const { host, port } = redisAddress(REDIS_URL);
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let answer = '';
    // A bound of its own: the socket's idle timer ends with the socket, and a port Docker publishes for a container
    // that is still starting accepts the connection and then closes it, with no error and no answer.
    const timer = setTimeout(() => finish(false), 1_000);
    function finish(ready: boolean) {
      clearTimeout(timer);
      socket.destroy();
      resolve(ready);
    }
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n')) finish(answer.startsWith('+PONG'));
    });
    socket.once('error', () => finish(false));
    socket.once('close', () => finish(answer.startsWith('+PONG')));
  });
}

/**
 * Redis 7 as the shop's cache: nothing persisted (no RDB snapshot, no AOF), as a cache should be, so a restarted Redis
 * is back on the same port and empty, and the shop refills it from Postgres.
 */
const CACHE_ONLY = ['--save', '', '--appendonly', 'no'];

export const redis: ServiceDefinition<Variable, 'E2E_REDIS_PORT'> = {
  name: 'redis',
  shopVariables: ['REDIS_URL'],
  isReady,

  container: {
    image: 'redis:7',
    imageVariable: 'E2E_REDIS_IMAGE',
    async start(image, options) {
      const port = options.fixedHostPorts ? { container: REDIS_PORT, host: await freePort() } : REDIS_PORT;
      const container = await new GenericContainer(image)
        .withExposedPorts(port)
        .withLabels(options.labels)
        // The official image's entrypoint adds --protected-mode no only when it is given no flags; these are flags.
        .withCommand(['redis-server', '--protected-mode', 'no', ...CACHE_ONLY])
        .withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/))
        .start();
      return { container, variables: { REDIS_URL: `redis://${container.getHost()}:${container.getMappedPort(REDIS_PORT)}` } };
    },
  },

  native: {
    ports: ['E2E_REDIS_PORT'],
    checkPrerequisites() {
      requireRedis();
    },
    addresses: (ports) => ({ REDIS_URL: `redis://127.0.0.1:${ports.E2E_REDIS_PORT}` }),
    async start(run, { ports }) {
      const binary = requireRedis();
      const variables = redis.native.addresses(ports);
      return relaunchable(variables, async () => {
        const server = spawnService(run, {
          name: 'redis',
          command: binary,
          // No config file: Debian's /etc/redis/redis.conf would daemonize it and write under /var/lib/redis.
          args: ['--port', String(ports.E2E_REDIS_PORT), '--bind', '127.0.0.1', '--daemonize', 'no', '--dir', run.logDir, ...CACHE_ONLY],
          stopSignal: 'SIGTERM',
        });
        await waitUntilReady(server, () => isReady(variables), {
          readyMeans: `answer PING on ${variables.REDIS_URL}`,
          timeoutMs: NATIVE_START_TIMEOUT_MS,
          intervalMs: 20,
        });
        return server;
      });
    },
  },

  external: {
    required: ['REDIS_URL'],
    read(env) {
      const url = (env.REDIS_URL as string).trim();
      redisAddress(url);
      return { REDIS_URL: url };
    },
    checks(variables) {
      return [{ what: `Redis at ${variables.REDIS_URL} (REDIS_URL)`, answers: isReady(variables).catch(() => false) }];
    },
  },
};
