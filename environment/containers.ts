import { KafkaContainer } from '@testcontainers/kafka';
import { PostgreSqlContainer } from '@testcontainers/postgresql';
import { GenericContainer, getContainerRuntimeClient, Wait, type StartedTestContainer } from 'testcontainers';
import { EnvironmentError, messageOf } from './errors';
import type { EnvironmentRun } from './run';
import { startAllSettled, timed } from './timing';
import type { Services } from './types';

/** postgres:17 like the shop targets; cp-kafka 7.9.1 is Apache Kafka 3.9.1, the native provider's version. */
export const IMAGES = {
  postgres: 'postgres:17-alpine',
  kafka: 'confluentinc/cp-kafka:7.9.1',
  mailhog: 'mailhog/mailhog:v1.0.1',
} as const;

/** KafkaContainer's listener for clients outside Docker (9092 is its inter-broker listener). */
const KAFKA_HOST_CLIENT_PORT = 9093;
const MAILHOG_SMTP_PORT = 1025;
const MAILHOG_HTTP_PORT = 8025;
const ENGINE_CHECK_TIMEOUT_MS = 5_000;

export type EngineCheck = { answered: true } | { answered: false; reason: string };

/**
 * Asks testcontainers for a container runtime (DOCKER_HOST, ~/.testcontainers.properties, the
 * usual sockets), bounded in time: a hung socket must not hang the run.
 */
export async function checkContainerEngine(timeoutMs = ENGINE_CHECK_TIMEOUT_MS): Promise<EngineCheck> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<EngineCheck>((resolve) => {
    timer = setTimeout(() => resolve({ answered: false, reason: `no answer within ${timeoutMs / 1000}s` }), timeoutMs);
    timer.unref();
  });
  const probe = getContainerRuntimeClient().then(
    (): EngineCheck => ({ answered: true }),
    (error: unknown): EngineCheck => ({ answered: false, reason: messageOf(error) }),
  );
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function noEngineError(reason: string): EnvironmentError {
  return new EnvironmentError(
    `E2E_ENV=containers needs a Docker engine, and none answered (${reason}): start Docker (or point DOCKER_HOST at one), or use E2E_ENV=native to run the services as local processes.`,
  );
}

/** Starts one container; registers its removal with the run before handing it back. */
async function startContainer<T extends StartedTestContainer>(run: EnvironmentRun, name: string, image: string, start: () => Promise<T>): Promise<T> {
  let container: T;
  try {
    container = await start();
  } catch (error) {
    throw new EnvironmentError(`The ${name} container (${image}) did not start: ${messageOf(error)}`);
  }
  // testcontainers' reaper (Ryuk) also removes it if this process dies before the stop runs.
  run.onStop(`${name} container`, async () => {
    await container.stop();
  });
  return container;
}

/** Postgres, Kafka (KRaft) and MailHog as containers on the Docker engine, started in parallel. */
export async function startContainerServices(run: EnvironmentRun): Promise<Services> {
  const engine = await checkContainerEngine();
  if (!engine.answered) throw noEngineError(engine.reason);

  const [postgres, kafka, mailhog] = await startAllSettled([
    () =>
      timed('postgres', () =>
        startContainer(run, 'postgres', IMAGES.postgres, () =>
          new PostgreSqlContainer(IMAGES.postgres).withDatabase('shop').withUsername('shop').withPassword('shop').start(),
        ),
      ),
    () => timed('kafka', () => startContainer(run, 'kafka', IMAGES.kafka, () => new KafkaContainer(IMAGES.kafka).withKraft().start())),
    () =>
      timed('mailhog', () =>
        startContainer(run, 'mailhog', IMAGES.mailhog, () =>
          new GenericContainer(IMAGES.mailhog)
            .withExposedPorts(MAILHOG_SMTP_PORT, MAILHOG_HTTP_PORT)
            .withWaitStrategy(Wait.forHttp('/api/v2/messages', MAILHOG_HTTP_PORT).forStatusCode(200))
            .start(),
        ),
      ),
  ] as const);

  return {
    provider: 'containers',
    databaseUrl: postgres.getConnectionUri(),
    kafkaBrokers: [`${kafka.getHost()}:${kafka.getMappedPort(KAFKA_HOST_CLIENT_PORT)}`],
    mailhogUrl: `http://${mailhog.getHost()}:${mailhog.getMappedPort(MAILHOG_HTTP_PORT)}`,
    smtpHost: mailhog.getHost(),
    smtpPort: mailhog.getMappedPort(MAILHOG_SMTP_PORT),
  };
}
