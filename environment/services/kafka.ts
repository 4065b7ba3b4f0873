import { Kafka, logLevel } from 'kafkajs';
import { GenericContainer, getContainerRuntimeClient, Wait } from 'testcontainers';
import { ensureKafka, isKafkaDownloaded, KAFKA_HEAP_OPTIONS, KAFKA_JVM_OPTIONS, newClusterId, prepareNativeKafka, SINGLE_NODE_SETTINGS } from '../native/kafka';
import { requireJava, requireMaven } from '../native/requirements';
import { freePort } from '../ports';
import { waitUntilReady } from '../processes';
import { tcpAnswers } from '../readiness';
import { relaunchable, type ServiceDefinition } from './definition';

/** In the container: clients from the host on 9092, the broker itself on 9094, the KRaft controller on 9093. */
const CONTAINER_CLIENT_PORT = 9092;
const CONTAINER_BROKER_PORT = 9094;
const CONTAINER_CONTROLLER_PORT = 9093;
const DEFAULT_PORT = 9092;
const NATIVE_START_TIMEOUT_MS = 90_000;
const CONTAINER_START_TIMEOUT_MS = 120_000;

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

/** `offsets.topic.replication.factor` -> `KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR`, the official image's naming ('-' is '__'). */
function kafkaVariable(property: string): string {
  return `KAFKA_${property.replace(/_/g, '___').replace(/-/g, '__').replace(/\./g, '_').toUpperCase()}`;
}

/**
 * The apache/kafka image's settings for one KRaft node whose clients on the host reach it at `advertised`.
 * The advertised listener is known before the container starts, so its host port is fixed up front.
 */
function containerEnvironment(advertised: string): Record<string, string> {
  const settings: Record<string, string | number> = {
    'node.id': 1,
    'process.roles': 'broker,controller',
    listeners: `PLAINTEXT://:${CONTAINER_CLIENT_PORT},BROKER://:${CONTAINER_BROKER_PORT},CONTROLLER://:${CONTAINER_CONTROLLER_PORT}`,
    // The broker reaches itself inside the container, never through the host's port.
    'advertised.listeners': `PLAINTEXT://${advertised},BROKER://localhost:${CONTAINER_BROKER_PORT}`,
    'inter.broker.listener.name': 'BROKER',
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,BROKER:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'controller.quorum.voters': `1@localhost:${CONTAINER_CONTROLLER_PORT}`,
    'log.dirs': '/tmp/kraft-combined-logs',
    ...SINGLE_NODE_SETTINGS,
  };
  return {
    ...Object.fromEntries(Object.entries(settings).map(([property, value]) => [kafkaVariable(property), String(value)])),
    CLUSTER_ID: newClusterId(),
    KAFKA_HEAP_OPTS: KAFKA_HEAP_OPTIONS.join(' '),
    KAFKA_JVM_PERFORMANCE_OPTS: KAFKA_JVM_OPTIONS.join(' '),
  };
}

/**
 * One broker in KRaft mode: Apache Kafka 3.9.1 either way. A restart keeps its topics, messages and
 * committed offsets: natively the same log dir, node id and cluster id; in a container its own
 * filesystem (the log dir was formatted once with the cluster id of its environment).
 */
export const kafka: ServiceDefinition<Variable, 'E2E_KAFKA_PORT'> = {
  name: 'kafka',
  shopVariables: ['KAFKA_BROKERS'],
  isReady,

  container: {
    image: 'apache/kafka:3.9.1',
    imageVariable: 'E2E_KAFKA_IMAGE',
    async start(image, options) {
      // Always a fixed host port: the broker advertises it to its clients before Docker would pick one.
      const host = (await getContainerRuntimeClient()).info.containerRuntime.host;
      const port = await freePort();
      const container = await new GenericContainer(image)
        .withEnvironment(containerEnvironment(`${host}:${port}`))
        .withExposedPorts({ container: CONTAINER_CLIENT_PORT, host: port })
        .withLabels(options.labels)
        .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
        .withStartupTimeout(CONTAINER_START_TIMEOUT_MS)
        .start();
      return { container, variables: { KAFKA_BROKERS: `${host}:${port}` } };
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
    addresses: (ports) => ({ KAFKA_BROKERS: `127.0.0.1:${ports.E2E_KAFKA_PORT}` }),
    async start(run, { cache, ports }) {
      const spawnBroker = await prepareNativeKafka(run, { cache, port: ports.E2E_KAFKA_PORT });
      const variables = kafka.native.addresses(ports);
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
