import { config as loadDotenv } from 'dotenv';
import type { FastifyBaseLogger } from 'fastify';
import { Partitioners } from 'kafkajs';
import { Authenticator, Tokens } from './auth';
import { loadConfig, type Config } from './config';
import { CatalogCache } from './cache';
import { startCatalogCacheConsumer } from './consumers/catalogCache';
import { startNotificationsConsumer } from './consumers/notifications';
import { startOrderTrackingConsumer } from './consumers/orderTracking';
import { createPool, ShopClient, waitForPostgres, type PoolOptions } from './db';
import { deadLetterTopic, EVENT_TYPES, topicName } from './events';
import { DependencyHealth, kafkaProbe } from './health';
import { createKafka, ensureTopics, PATIENT_RETRY } from './kafka';
import { createMailer, verifyMailer } from './mailer';
import { runMigrations } from './migrations';
import { OutboxRelay } from './outbox';
import { setPasswordHashRounds } from './passwords';
import { seedAdmin, seedCatalog } from './seed';
import { buildServer } from './server';
import { Carts } from './services/cart';
import { Catalog } from './services/catalog';
import { onProductChangesCommitted } from './services/productEvents';
import { Checkout } from './services/checkout';
import { LoginLimiter } from './services/loginLimiter';
import { OrderActions } from './services/orders';
import { createStripeClient, Payments } from './services/payments';
import { ProviderPolicy } from './services/providerPolicy';
import { ProviderRecovery } from './services/providerRecovery';
import { Sessions } from './services/sessions';
import { describeError, StartupError } from './startup';

/** How long start waits for each of Postgres, Kafka and SMTP before giving up with one clear line. */
const STARTUP_TIMEOUT_MS = 20_000;
const SHUTDOWN_TIMEOUT_MS = 10_000;

/**
 * How long a consumer may take to leave its group on shutdown. kafkajs's disconnect was seen to hang for good right
 * after a burst of dead letters (the shop was then killed after 10 s, with its relay and pools still open); a consumer
 * that does not leave in time is left behind, and the broker drops it after its session timeout (10 s).
 */
const CONSUMER_LEAVE_MS = 3_000;

async function leaveWithin(consumer: { disconnect: () => Promise<void> }, name: string, log: FastifyBaseLogger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const left = await Promise.race([
    consumer.disconnect().then(() => true),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), CONSUMER_LEAVE_MS))),
  ]).finally(() => clearTimeout(timer));
  if (!left) log.warn({ consumer: name, waitedMs: CONSUMER_LEAVE_MS }, 'consumer did not leave its group in time; the broker will drop it');
}

/** What start opened, closed in reverse order on shutdown or on a failed start. */
type Closer = { name: string; close: () => Promise<unknown> };

async function closeAll(closers: Closer[], log?: FastifyBaseLogger): Promise<void> {
  for (const { name, close } of [...closers].reverse()) {
    await close().catch((error: unknown) => log?.warn({ err: describeError(error) }, `closing ${name} failed`));
  }
}

/**
 * Migrates, seeds, creates topics, starts the outbox relay and the consumers, and only then listens,
 * so GET /health answering means everything is ready.
 */
async function start(config: Config, closers: Closer[]) {
  // Connections open only once the app (and with it the log) exists.
  setPasswordHashRounds(config.passwordHashRounds);
  const poolOptions: PoolOptions = {
    onConnectionError: (message, error) => app.log.warn({ err: describeError(error) }, message),
  };
  const pool = createPool(config.databaseUrl, { ...poolOptions, max: config.database.poolSize, waitMs: config.database.poolWaitMs });
  closers.push({ name: 'Postgres pool', close: () => pool.end() });
  // The relay and /health have a connection each of their own: a slow broker or a burst of health checks takes
  // none from the requests, and a busy request pool does not make /health call Postgres down.
  const relayPool = createPool(config.databaseUrl, { ...poolOptions, max: 1 });
  closers.push({ name: 'outbox relay pool', close: () => relayPool.end() });
  const probePool = createPool(config.databaseUrl, { ...poolOptions, max: 1 });
  closers.push({ name: 'health probe pool', close: () => probePool.end() });
  const kafkaHealth = kafkaProbe(config.kafkaBrokers);
  closers.push({ name: 'Kafka health probe', close: kafkaHealth.close });
  const mailer = createMailer(config.smtp);
  closers.push({ name: 'SMTP transport', close: async () => mailer.close() });
  const auth = new Authenticator(
    pool,
    new Tokens(config.jwtSecret, config.accessTokenTtlSeconds, config.refreshTokenTtlSeconds),
  );
  const sessions = new Sessions(pool, new LoginLimiter(pool, config.loginMaxFailures, config.loginLockSeconds), auth);
  const policy = new ProviderPolicy(config.paymentPolicy);
  const payments = new Payments(createStripeClient(config.stripe), config.stripe.webhookSecret, config.webhookToleranceSeconds, policy);
  const recovery = new ProviderRecovery(pool, payments, config.paymentPolicy.recoveryIntervalMs);
  const cache = CatalogCache.connect(config.cache);
  closers.push({ name: 'catalog cache (Redis)', close: () => cache.close() });
  const catalog = new Catalog(pool, cache);
  onProductChangesCommitted((changes) => catalog.changed(changes));
  const app = buildServer({
    config,
    pool,
    catalog,
    health: DependencyHealth.of({ pool: probePool, kafka: kafkaHealth.probe, mailer }),
    auth,
    sessions,
    payments,
    carts: new Carts(pool, config.shipping),
    checkout: new Checkout(pool, payments, config.shipping, recovery),
    orders: new OrderActions(pool, payments),
  });
  const log = app.log;
  cache.logTo(log);
  policy.logTo(log);

  await waitForPostgres(pool, config.databaseUrl, STARTUP_TIMEOUT_MS);
  const applied = await runMigrations(pool);
  if (applied.length > 0) log.info({ migrations: applied }, 'applied migrations');
  if (config.passwordHashRounds !== 10) log.info({ rounds: config.passwordHashRounds }, 'password hashes use PASSWORD_HASH_ROUNDS, not the default 10');
  await seedAdmin(pool, config.admin);
  const seeded = await seedCatalog(pool, config.catalog);
  if (seeded > 0) log.info({ products: seeded, seed: config.catalog.seed }, 'seeded the catalog');

  const kafka = createKafka(config.kafkaBrokers, log);
  // Every topic and its dead-letter topic (every topic the shop writes is also one it consumes).
  const topics = EVENT_TYPES.map((type) => topicName(config.topicPrefix, type)).flatMap((topic) => [
    topic,
    deadLetterTopic(topic),
  ]);
  await ensureTopics(kafka, config.kafkaBrokers, topics, STARTUP_TIMEOUT_MS);

  await verifyMailer(mailer, config.smtp, STARTUP_TIMEOUT_MS);

  // One request in flight keeps the relay's batches in order on the broker.
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, maxInFlightRequests: 1 });
  await producer.connect();
  closers.push({ name: 'Kafka producer', close: () => producer.disconnect() });
  // Woken by each commit that writes the outbox (LISTEN on a connection of its own), polling only as a safety net.
  const listenForCommits = () => new ShopClient({ connectionString: config.databaseUrl, keepAlive: true, keepAliveInitialDelayMillis: 10_000 });
  const relay = new OutboxRelay(relayPool, producer, config.topicPrefix, log, listenForCommits);
  relay.start();
  closers.push({ name: 'outbox relay', close: () => relay.stop() });
  // Orders a shop left paying or refunding when it died mid-call (services/providerRecovery.ts).
  recovery.start(log);
  closers.push({ name: 'provider-call recovery', close: () => recovery.stop() });

  // The consumers' client of their own: its connections retry patiently through a broker restart (kafka.ts).
  const consumerKafka = createKafka(config.kafkaBrokers, log, PATIENT_RETRY);
  const consumerOptions = { kafka: consumerKafka, producer, pool, log, topicPrefix: config.topicPrefix, joinTimeoutMs: STARTUP_TIMEOUT_MS };
  const consumers = {
    notifications: startNotificationsConsumer({ ...consumerOptions, mailer, mailFrom: config.mailFrom, publicUrl: config.publicUrl }),
    'order-tracking': startOrderTrackingConsumer(consumerOptions),
    'catalog-cache': startCatalogCacheConsumer({ ...consumerOptions, catalog }),
  };
  // They join their groups in parallel; each one that started is closed on shutdown, or when the other failed to start.
  const running: { name: string; consumer: { disconnect: () => Promise<void> } }[] = [];
  // They leave their groups together on shutdown, each within CONSUMER_LEAVE_MS.
  closers.push({ name: 'consumers', close: () => Promise.all(running.map(({ name, consumer }) => leaveWithin(consumer, name, log))) });
  const started = await Promise.allSettled(
    Object.entries(consumers).map(async ([name, starting]) => {
      running.push({ name, consumer: await starting });
    }),
  );
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;

  closers.push({ name: 'HTTP server', close: () => app.close() });
  await app.listen({ host: config.host, port: config.port });
  return log;
}

function stopOnSignals(closers: Closer[], log: FastifyBaseLogger): void {
  const stop = async (signal: NodeJS.Signals) => {
    log.info({ signal }, 'shutting down');
    // A stuck close (a broker that never answers) must not keep the process alive forever.
    setTimeout(() => process.exit(1), SHUTDOWN_TIMEOUT_MS).unref();
    await closeAll(closers, log);
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

async function main(): Promise<void> {
  loadDotenv({ quiet: true });
  const closers: Closer[] = [];
  try {
    const log = await start(loadConfig(), closers);
    stopOnSignals(closers, log);
  } catch (error) {
    console.error(`shop: cannot start: ${describeError(error)}`);
    if (!(error instanceof StartupError)) console.error(error);
    setTimeout(() => process.exit(1), SHUTDOWN_TIMEOUT_MS).unref();
    await closeAll(closers);
    process.exit(1);
  }
}

void main();
