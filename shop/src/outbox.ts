import type { FastifyBaseLogger } from 'fastify';
import type { Producer } from 'kafkajs';
import type { Pool, PoolClient } from 'pg';
import type { Db } from './db';
import { buildEnvelope, topicName, type EventEnvelope } from './events';
import { describeError } from './startup';

export interface NewEvent<Payload> {
  type: string;
  /** The aggregate id: the Kafka message key, so one aggregate's events stay in order on one partition. */
  key: string;
  correlationId: string;
  payload: Payload;
}

/** Writes the event into the outbox; call it inside the transaction of the change it announces. */
export async function enqueueEvent<Payload>(db: Db, event: NewEvent<Payload>): Promise<EventEnvelope<Payload>> {
  const envelope = buildEnvelope(event.type, event.correlationId, event.payload);
  await db.query('INSERT INTO outbox (event_id, topic, key, payload) VALUES ($1, $2, $3, $4)', [
    envelope.eventId,
    event.type,
    event.key,
    JSON.stringify(envelope),
  ]);
  return envelope;
}

interface OutboxRow {
  id: string;
  topic: string;
  key: string;
  /** The envelope's JSON text, published as is. */
  value: string;
}

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
  private failures = 0;
  /** Rows Kafka acknowledged whose published_at could not be written yet. */
  private unmarked: { ids: string[]; acknowledgedAt: Date } | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly producer: Producer,
    private readonly topicPrefix: string,
    private readonly log: FastifyBaseLogger,
  ) {}

  start(): void {
    this.running ??= this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const published = await this.publishSafely();
      await this.pause(this.nextPauseMs(published));
    }
  }

  /** Straight on while a backlog drains, a short poll when idle, growing pauses while Kafka or Postgres fails. */
  private nextPauseMs(published: number): number {
    if (this.failures > 0) return Math.min(MAX_BACKOFF_MS, POLL_INTERVAL_MS * 2 ** this.failures);
    return published === BATCH_SIZE ? 0 : POLL_INTERVAL_MS;
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
    if (this.unmarked) {
      await this.markPublished(this.pool, this.unmarked.ids, this.unmarked.acknowledgedAt);
      this.unmarked = undefined;
    }
    // A cheap look first, so an idle shop does not take the lock ten times a second.
    const pending = await this.pool.query('SELECT 1 FROM outbox WHERE published_at IS NULL LIMIT 1');
    if (pending.rowCount === 0) return 0;

    return this.holdingRelayLock(async (client) => {
      const { rows } = await client.query<OutboxRow>(
        'SELECT id, topic, key, payload::text AS value FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT $1',
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
    const byTopic = new Map<string, { key: string; value: string }[]>();
    for (const row of rows) {
      const topic = topicName(this.topicPrefix, row.topic);
      const messages = byTopic.get(topic) ?? [];
      messages.push({ key: row.key, value: row.value });
      byTopic.set(topic, messages);
    }
    return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
