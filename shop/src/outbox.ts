import type { FastifyBaseLogger } from 'fastify';
import type { Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { withTransaction, type Db } from './db';
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
const MAX_BACKOFF_MS = 5_000;
/** Only one relay publishes at a time, even with several shops on one database, so events leave in order. */
const RELAY_LOCK_KEY = 7_240_002;

/**
 * Publishes unpublished outbox rows to Kafka in id order and marks them published.
 * A failed send leaves the rows unpublished and is retried with a growing pause, so a Kafka hiccup only delays events.
 */
export class OutboxRelay {
  private running: Promise<void> | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;
  private failures = 0;

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
    // A cheap look first, so an idle shop does not open a transaction ten times a second.
    const pending = await this.pool.query('SELECT 1 FROM outbox WHERE published_at IS NULL LIMIT 1');
    if (pending.rowCount === 0) return 0;

    return withTransaction(this.pool, async (client) => {
      const lock = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [
        RELAY_LOCK_KEY,
      ]);
      if (!lock.rows[0].locked) return 0;
      const { rows } = await client.query<OutboxRow>(
        'SELECT id, topic, key, payload::text AS value FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT $1',
        [BATCH_SIZE],
      );
      if (rows.length === 0) return 0;
      await this.producer.sendBatch({ topicMessages: this.groupByTopic(rows) });
      await client.query('UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])', [
        rows.map((row) => row.id),
      ]);
      return rows.length;
    });
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
