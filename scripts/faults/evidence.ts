/**
 * The evidence the bench counts, read from the services themselves (never from the shop's code): when a service
 * answers again, which events are on a topic, which mails MailHog holds, which rows the consumers wrote.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { pollUntil } from './shop-traffic';

/** Resolves with the moment Postgres accepts a new connection and runs a query. */
export function postgresAnswers(databaseUrl: string, timeoutMs = 60_000): Promise<number | undefined> {
  return pollUntil(
    async () => {
      const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 500 });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.query('SELECT 1');
        return Date.now();
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    timeoutMs,
    10,
  );
}

function kafkaClient(brokers: string): Kafka {
  return new Kafka({
    clientId: `bench-faults-${randomUUID().slice(0, 8)}`,
    brokers: brokers.split(','),
    connectionTimeout: 500,
    requestTimeout: 1_000,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
}

/** Resolves with the moment the broker answers a metadata request (it lists its topics). */
export function kafkaAnswers(brokers: string, timeoutMs = 120_000): Promise<number | undefined> {
  return pollUntil(
    async () => {
      const admin = kafkaClient(brokers).admin();
      try {
        await admin.connect();
        await admin.listTopics();
        return Date.now();
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    },
    timeoutMs,
    50,
  );
}

/** Resolves with the moment MailHog's SMTP port accepts a connection. */
export function smtpAnswers(host: string, port: number, timeoutMs = 30_000): Promise<number | undefined> {
  return pollUntil(
    async () => {
      const { connect } = await import('node:net');
      return new Promise<number | undefined>((resolve) => {
        const socket = connect({ host, port });
        socket.once('connect', () => {
          socket.destroy();
          resolve(Date.now());
        });
        socket.once('error', () => resolve(undefined));
      });
    },
    timeoutMs,
    20,
  );
}

/** How many times each value of `keyOf` occurs among the messages of a topic, read from its beginning to its end. */
export async function countOnTopic(brokers: string, topic: string, keyOf: (value: unknown) => string | undefined): Promise<Map<string, number>> {
  const kafka = new Kafka({ clientId: 'bench-faults-reader', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const remaining = new Map(ends.map(({ partition, offset }) => [partition, BigInt(offset)]));
  const counts = new Map<string, number>();
  if ([...remaining.values()].every((end) => end === 0n)) return counts;

  const consumer = kafka.consumer({ groupId: `bench-faults-${randomUUID()}`, maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        eachMessage: async ({ partition, message }) => {
          const key = keyOf(JSON.parse(message.value?.toString('utf8') ?? 'null'));
          if (key !== undefined) counts.set(key, (counts.get(key) ?? 0) + 1);
          if (BigInt(message.offset) + 1n >= (remaining.get(partition) ?? 0n)) remaining.delete(partition);
          if (remaining.size === 0) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return counts;
}

interface MailhogMessage {
  Raw: { To: string[] };
  Content: { Headers: Record<string, string[] | undefined> };
}

/** Every mail MailHog holds, as recipient → the Message-IDs of the mails it got. */
export async function mailsByRecipient(mailhogUrl: string): Promise<Map<string, string[]>> {
  // One page: MailHog's maildir storage ignores start and limit and always answers everything.
  const response = await fetch(`${mailhogUrl}/api/v2/messages?start=0&limit=1000000`);
  const page = (await response.json()) as { count: number; total: number; items: MailhogMessage[] };
  const byRecipient = new Map<string, string[]>();
  for (const message of page.items) {
    const id = message.Content.Headers['Message-ID']?.[0] ?? '';
    for (const to of message.Raw.To) byRecipient.set(to.toLowerCase(), [...(byRecipient.get(to.toLowerCase()) ?? []), id]);
  }
  return byRecipient;
}

/** The bench's own view of the shop's database: the rows the consumers write. */
export class ShopDatabase {
  private readonly pool: pg.Pool;

  constructor(databaseUrl: string) {
    this.pool = new pg.Pool({ connectionString: databaseUrl, max: 2, connectionTimeoutMillis: 1_000 });
    // The bench restarts this database: its own idle connections are dropped, not fatal.
    this.pool.on('error', () => undefined);
  }

  /** Whether the notifications consumer has recorded a mail to `recipient`. */
  async mailRecorded(recipient: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('SELECT 1 FROM notifications WHERE recipient = $1', [recipient]);
    return (rowCount ?? 0) > 0;
  }

  /** Whether the notifications consumer has recorded any mail since `since` (ms since the epoch, this host's clock). */
  async mailRecordedSince(since: number): Promise<boolean> {
    const { rowCount } = await this.pool.query('SELECT 1 FROM notifications WHERE created_at >= to_timestamp($1::float8 / 1000) LIMIT 1', [since]);
    return (rowCount ?? 0) > 0;
  }

  /** Whether the order-tracking consumer has applied an event of the order. */
  async orderTracked(orderId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('SELECT 1 FROM order_history WHERE order_id = $1', [orderId]);
    return (rowCount ?? 0) > 0;
  }

  async usersNamed(emails: string[]): Promise<Set<string>> {
    const { rows } = await this.pool.query<{ email: string }>('SELECT email FROM users WHERE email = ANY($1::text[])', [emails]);
    return new Set(rows.map((row) => row.email));
  }

  end(): Promise<void> {
    return this.pool.end();
  }
}
