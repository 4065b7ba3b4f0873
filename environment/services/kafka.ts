import { KafkaContainer } from '@testcontainers/kafka';
import { Kafka, logLevel } from 'kafkajs';
import { ensureKafka, isKafkaDownloaded, prepareNativeKafka } from '../native/kafka';
import { requireJava, requireMaven } from '../native/requirements';
import { freePort } from '../ports';
import { waitUntilReady } from '../processes';
import { tcpAnswers } from '../readiness';
import { relaunchable, type ServiceDefinition } from './definition';

/** KafkaContainer's listener for clients outside Docker (9092 is its inter-broker listener). */
const CONTAINER_CLIENT_PORT = 9093;
const DEFAULT_PORT = 9092;
const NATIVE_START_TIMEOUT_MS = 90_000;

type Variable = 'KAFKA_BROKERS';

/** Ready when an admin client can list topics: the broker is up and has a controller. */
async function isReady({ KAFKA_BROKERS }: Record<Variable, string>): Promise<boolean> {
  const kafka = new Kafka({
    clientId: 'e2e-environment',
    brokers: KAFKA_BROKERS.split(','),
    connectionTimeout: 1_000,
    requestTimeout: 2_000,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.listTopics();
    return true;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** "host:port", "[::1]:port" or "host" (the default port). */
function hostAndPort(address: string): { host: string; port: number } {
  const match = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(address);
  return { host: match?.[1] ?? address, port: Number(match?.[2] ?? DEFAULT_PORT) };
}

/**
 * One broker in KRaft mode: Apache Kafka 3.9.1 either way (cp-kafka 7.9.1 ships it). A restart keeps
 * its topics, messages and committed offsets: natively the same log dir, node id and cluster id; in a
 * container its own filesystem (its start script and cluster id are written into it once).
 */
export const kafka: ServiceDefinition<Variable, 'E2E_KAFKA_PORT'> = {
  name: 'kafka',
  shopVariables: ['KAFKA_BROKERS'],
  isReady,

  container: {
    image: 'confluentinc/cp-kafka:7.9.1',
    async start(image, options = {}) {
      const definition = new KafkaContainer(image).withKraft();
      // The advertised listener is written from the mapped port when the container starts: pinning it keeps it true after a restart.
      if (options.fixedHostPorts) definition.withExposedPorts({ container: CONTAINER_CLIENT_PORT, host: await freePort() });
      const container = await definition.start();
      return { container, variables: { KAFKA_BROKERS: `${container.getHost()}:${container.getMappedPort(CONTAINER_CLIENT_PORT)}` } };
    },
  },

  native: {
    ports: ['E2E_KAFKA_PORT'],
    checkPrerequisites(cache) {
      requireJava();
      if (!isKafkaDownloaded(cache)) requireMaven();
    },
    async prepare(cache, logDir) {
      const { downloaded } = await ensureKafka(cache, logDir);
      return downloaded ? 'downloaded' : 'cached';
    },
    async start(run, { cache, ports }) {
      const spawnBroker = await prepareNativeKafka(run, { cache, port: ports.E2E_KAFKA_PORT });
      const variables = { KAFKA_BROKERS: `127.0.0.1:${ports.E2E_KAFKA_PORT}` };
      return relaunchable(variables, async () => {
        const broker = spawnBroker();
        await waitUntilReady(broker, () => isReady(variables), {
          readyMeans: `answer a Kafka admin client on ${variables.KAFKA_BROKERS}`,
          timeoutMs: NATIVE_START_TIMEOUT_MS,
          intervalMs: 250,
        });
        return broker;
      });
    },
  },

  external: {
    required: ['KAFKA_BROKERS'],
    read: (env) => ({
      KAFKA_BROKERS: (env.KAFKA_BROKERS as string)
        .split(',')
        .map((broker) => broker.trim())
        .filter(Boolean)
        .join(','),
    }),
    checks({ KAFKA_BROKERS }) {
      const broker = hostAndPort(KAFKA_BROKERS.split(',')[0] ?? '');
      return [{ what: `Kafka at ${broker.host}:${broker.port} (KAFKA_BROKERS)`, answers: tcpAnswers(broker.host, broker.port) }];
    },
  },
};
