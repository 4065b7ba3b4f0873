import type { FastifyBaseLogger } from 'fastify';
import { Kafka, logLevel, type LogEntry, type RetryOptions } from 'kafkajs';
import { describeError, retryUntil, tcpConnect } from './startup';

/**
 * kafkajs logs every failed connection attempt as an error: two lines per client per retry while a broker is down.
 * Those go to debug; the outage itself is reported once by the relay, by the consumers' crash lines and by /health.
 */
const CONNECTION_CHURN = /^(Connection error|Failed to connect to seed broker)/;

/** kafkajs log lines go through the shop's logger, so they share its format and level. */
function logCreator(log: FastifyBaseLogger) {
  return () =>
    ({ namespace, level, log: entry }: LogEntry) => {
      const { message, error, broker, groupId, topic } = entry;
      const fields = { component: `kafkajs.${namespace}`, error, broker, groupId, topic };
      if (CONNECTION_CHURN.test(message)) log.debug(fields, message);
      else if (level === logLevel.ERROR) log.error(fields, message);
      else if (level === logLevel.WARN) log.warn(fields, message);
      else if (level === logLevel.INFO) log.info(fields, message);
      else log.debug(fields, message);
    };
}

/** The default: a few quick retries, then the caller decides (the relay retries a failed batch itself). */
const BRIEF_RETRY: RetryOptions = { initialRetryTime: 200, maxRetryTime: 1_000, retries: 5 };

/**
 * For the consumers: retry every second for as long as it takes. A consumer that gives up is restarted by kafkajs
 * as a new group member, and the broker then holds the group until the old member's session has expired; one that
 * keeps retrying keeps its member id and resumes as soon as the broker answers again.
 */
export const PATIENT_RETRY: RetryOptions = { initialRetryTime: 100, maxRetryTime: 1_000, retries: Number.MAX_SAFE_INTEGER };

export function createKafka(brokers: string[], log: FastifyBaseLogger, retry: RetryOptions = BRIEF_RETRY): Kafka {
  return new Kafka({
    clientId: 'event-shop',
    brokers,
    connectionTimeout: 3_000,
    retry,
    logLevel: logLevel.WARN,
    logCreator: logCreator(log),
  });
}

/** "host:port" or "[v6]:port" as a connect target. */
function brokerAddress(broker: string): { host: string; port: number } {
  const colon = broker.lastIndexOf(':');
  return { host: broker.slice(0, colon).replace(/^\[|\]$/g, ''), port: Number(broker.slice(colon + 1)) };
}

/**
 * Creates the topics that are missing (1 partition each). A plain TCP check comes first, so a broker that is not
 * running fails the start with one clear line rather than a page of kafkajs reconnect errors.
 */
export async function ensureTopics(kafka: Kafka, brokers: string[], topics: string[], timeoutMs: number): Promise<void> {
  const unreachable = (error: unknown) => `Kafka is unreachable at ${brokers.join(',')} (${describeError(error)})`;
  const anyBrokerListens = () =>
    Promise.any(brokers.map(brokerAddress).map(({ host, port }) => tcpConnect(host, port)));
  await retryUntil(anyBrokerListens, { timeoutMs, describeFailure: unreachable });

  const admin = kafka.admin();
  await retryUntil(() => admin.connect(), { timeoutMs, describeFailure: unreachable });
  const createMissing = async () => {
    // Only the missing ones: kafkajs logs an error for every topic that already exists.
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic));
    if (missing.length > 0) {
      await admin.createTopics({ topics: missing.map((topic) => ({ topic, numPartitions: 1 })), waitForLeaders: true });
    }
  };
  try {
    // A broker that has just started may answer a new topic's metadata with UNKNOWN_TOPIC_OR_PARTITION, which
    // kafkajs's wait for leaders does not retry (seen on a container broker under load): try again until the
    // start's deadline, as long as the error is one Kafka calls retriable.
    await retryUntil(createMissing, {
      timeoutMs,
      retryIf: (error) => (error as { retriable?: unknown }).retriable === true,
      describeFailure: (error) => `Kafka did not create the shop's topics (${describeError(error)})`,
    });
  } finally {
    await admin.disconnect();
  }
}
