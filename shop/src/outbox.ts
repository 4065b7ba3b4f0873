import type { FastifyBaseLogger } from 'fastify';
import type { Producer } from 'kafkajs';
import type { Client, Pool, PoolClient } from 'pg';
import type { Db } from './db';
import { buildEnvelope, eventHeaders, topicName, type EventEnvelope } from './events';
import { describeError } from './startup';

export interface NewEvent<Payload> {
  type: string;
  /** The aggregate id: the Kafka message key, so one aggregate's events stay in order on one partition. */
  key: string;
  correlationId: string;
  payload: Payload;
}

/**
 * The channel a new outbox row is announced on. Postgres delivers a NOTIFY when its transaction commits (never for a
 * rolled-back one) and folds a transaction's identical notifications into one, so the relay wakes once per commit.
 */
export const OUTBOX_CHANNEL = 'shop_outbox';

/** Writes the event into the outbox and wakes the relays; call it inside the transaction of the change it announces. */
export async function enqueueEvent<Payload>(db: Db, event: NewEvent<Payload>): Promise<EventEnvelope<Payload>> {
  const envelope = buildEnvelope(event.type, event.correlationId, event.payload);
  await db.query(
    `WITH written AS (INSERT INTO outbox (event_id, topic, key, payload) VALUES ($1, $2, $3, $4) RETURNING 1)
     SELECT pg_notify('${OUTBOX_CHANNEL}', '') FROM written`,
    [envelope.eventId, event.type, event.key, JSON.stringify(envelope)],
  );
  return envelope;
}

interface OutboxRow {
  id: string;
  topic: string;
  key: string;
  /** The envelope's JSON text, published as is. */
  value: string;
  /** The envelope's correlationId and version, for the message's headers. */
  correlation_id: string;
  version: string;
}

/** How often the relay looks while nothing wakes it: it listens for commits, so this is only the safety net. */
const SAFETY_POLL_MS = 1_000;
/** How often it looks while it cannot listen (the listening connection is being opened again). */
const POLL_INTERVAL_MS = 100;
const BATCH_SIZE = 100;
/** Short, so events flow again within about a second of Kafka or Postgres coming back. */
const MAX_BACKOFF_MS = 1_000;
/** Only one relay publishes at a time, even with several shops on one database, so events leave in order. */
const RELAY_LOCK_KEY = 7_240_002;

/**
 * Publishes unpublished outbox rows to Kafka in id order and marks them published once Kafka acknowledged them.
 * A failed send leaves the rows unpublished and is retried with a growing pause, so a Kafka hiccup only delays events.
 *
 * No transaction is open while it waits for Kafka: the lock that keeps concurrent shops' relays apart is a session
 * lock on a connection of the relay's own pool (give it one of its own, so a slow broker takes no connection from
 * the requests), and each statement commits by itself.
 */
export class OutboxRelay {
  private running: Promise<void> | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;
  /** Set by a commit's notification; the next pause then ends at once, so a commit seen mid-batch is not missed. */
  private woken = false;
  private failures = 0;
  private listener: OutboxListener | undefined;
  /** Rows Kafka acknowledged whose published_at could not be written yet. */
  private unmarked: { ids: string[]; acknowledgedAt: Date } | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly producer: Producer,
    private readonly topicPrefix: string,
    private readonly log: FastifyBaseLogger,
    /** Opens the connection that listens for commits (one of its own, never pooled); without it the relay polls. */
    listenWith?: () => Client,
  ) {
    if (listenWith) this.listener = new OutboxListener(listenWith, () => this.notified(), log);
  }

  start(): void {
    this.listener?.start();
    this.running ??= this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
    await this.listener?.stop();
  }

  private notified(): void {
    this.woken = true;
    this.wake?.();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const published = await this.publishSafely();
      await this.pause(this.nextPauseMs(published));
    }
  }

  /**
   * Straight on while a backlog drains; when idle, until a commit wakes it (a slow safety poll) or a short poll while
   * it cannot listen; growing pauses while Kafka or Postgres fails (a commit does not cut those short).
   */
  private nextPauseMs(published: number): number {
    if (this.failures > 0) return Math.min(MAX_BACKOFF_MS, POLL_INTERVAL_MS * 2 ** this.failures);
    if (published === BATCH_SIZE) return 0;
    return this.listener?.listening ? SAFETY_POLL_MS : POLL_INTERVAL_MS;
  }

  private async publishSafely(): Promise<number> {
    try {
      const published = await this.publishBatch();
      if (this.failures > 0) this.log.info({ afterFailures: this.failures }, 'outbox relay recovered');
      this.failures = 0;
      return published;
    } catch (error) {
      this.failures += 1;
      // One line per streak, not one per retry: a broker restart would otherwise flood the log.
      if (this.failures === 1) this.log.warn({ err: describeError(error) }, 'outbox relay failed; retrying');
      return 0;
    }
  }

  private async publishBatch(): Promise<number> {
    // A notification from here on may announce a row this round does not see: it makes the next pause end at once.
    this.woken = false;
    if (this.unmarked) {
      await this.markPublished(this.pool, this.unmarked.ids, this.unmarked.acknowledgedAt);
      this.unmarked = undefined;
    }
    // A cheap look first, so an idle shop does not take the lock ten times a second.
    const pending = await this.pool.query('SELECT 1 FROM outbox WHERE published_at IS NULL LIMIT 1');
    if (pending.rowCount === 0) return 0;

    return this.holdingRelayLock(async (client) => {
      const { rows } = await client.query<OutboxRow>(
        `SELECT id, topic, key, payload::text AS value, payload->>'correlationId' AS correlation_id, payload->>'version' AS version
         FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT $1`,
        [BATCH_SIZE],
      );
      if (rows.length === 0) return 0;
      await this.producer.sendBatch({ topicMessages: this.groupByTopic(rows) });
      const acknowledgedAt = new Date();
      const ids = rows.map((row) => row.id);
      try {
        await this.markPublished(client, ids);
      } catch (error) {
        // Postgres went away between the acknowledgement and the mark: remember the rows, so the next round marks
        // them (with the time Kafka acknowledged them) instead of publishing them a second time.
        this.unmarked = { ids, acknowledgedAt };
        throw error;
      }
      return rows.length;
    });
  }

  /** Stamps the rows published: now, just after Kafka acknowledged them, or at `acknowledgedAt` when marked late. */
  private async markPublished(db: Db, ids: string[], acknowledgedAt?: Date): Promise<void> {
    // clock_timestamp() is this moment; now() would be the start of the statement's transaction.
    await db.query(
      'UPDATE outbox SET published_at = coalesce($2, clock_timestamp()) WHERE id = ANY($1::bigint[]) AND published_at IS NULL',
      [ids, acknowledgedAt ?? null],
    );
  }

  /** Runs `work` holding the relay's session lock; 0 without running it when another relay holds the lock. */
  private async holdingRelayLock(work: (client: PoolClient) => Promise<number>): Promise<number> {
    const client = await this.pool.connect();
    let unlocked = false;
    try {
      const lock = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [RELAY_LOCK_KEY]);
      if (!lock.rows[0].locked) {
        unlocked = true;
        return 0;
      }
      try {
        return await work(client);
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [RELAY_LOCK_KEY]);
        unlocked = true;
      }
    } finally {
      // A connection that may still hold the lock is closed rather than returned to the pool.
      client.release(!unlocked);
    }
  }

  private groupByTopic(rows: OutboxRow[]) {
    const byTopic = new Map<string, { key: string; value: string; headers: Record<string, string> }[]>();
    for (const row of rows) {
      const topic = topicName(this.topicPrefix, row.topic);
      const messages = byTopic.get(topic) ?? [];
      messages.push({ key: row.key, value: row.value, headers: eventHeaders({ type: row.topic, correlationId: row.correlation_id, version: row.version }) });
      byTopic.set(topic, messages);
    }
    return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
  }

  private pause(ms: number): Promise<void> {
    if (ms === 0 || (this.woken && this.failures === 0)) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        // While Kafka or Postgres fails, the backoff holds; only stop() ends it early.
        if (this.failures > 0 && !this.stopped) return;
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }
}

const LISTEN_RETRY_MS = 1_000;

/**
 * One connection that LISTENs on the outbox channel and calls `onNotify` for every commit that wrote an outbox row.
 * When it fails (Postgres restarted, the connection was cut) it is opened again after a second; meanwhile the relay
 * polls, and once listening again it wakes the relay once, for the rows committed while no one listened.
 */
class OutboxListener {
  private client: Client | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;
  private failing = false;

  constructor(
    private readonly connect: () => Client,
    private readonly onNotify: () => void,
    private readonly log: FastifyBaseLogger,
  ) {}

  get listening(): boolean {
    return this.client !== undefined;
  }

  start(): void {
    void this.open();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async open(): Promise<void> {
    if (this.stopped) return;
    const client = this.connect();
    client.on('notification', () => this.onNotify());
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('the listening connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    } catch (error) {
      this.lost(client, error);
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    if (this.failing) this.log.info('outbox relay listens for commits again');
    this.failing = false;
    this.onNotify();
  }

  private lost(client: Client, error: unknown): void {
    if (this.client !== undefined && this.client !== client) return;
    const wasListening = this.client === client;
    this.client = undefined;
    client.removeAllListeners('end');
    client.on('error', () => undefined);
    client.end().catch(() => undefined);
    if (this.stopped || (!wasListening && this.retry)) return;
    // One line per streak: a Postgres restart would otherwise log a line a second.
    if (!this.failing) this.log.warn({ err: describeError(error) }, 'outbox relay cannot listen for commits; polling until it can');
    this.failing = true;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.open();
    }, LISTEN_RETRY_MS);
  }
}
