import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import type { Rejection } from './deadLetters';

/**
 * The at-least-once check of an event id (shop/migrations/012_consumed_events.sql): each consumer group records the
 * sha256 of the exact bytes of every event id it lets through, before its handler runs. The same bytes again are a
 * redelivery, and go on to the handler, which is idempotent (notifications and order tracking are keyed by event
 * id); other bytes under an id already seen are another event posing as that one, and are refused.
 *
 * Recorded before the handler, not with it: a handler that fails leaves the row, and the retry (the same bytes)
 * still passes. A race of two members on one event (a rebalance) is settled by the primary key.
 */
export async function duplicateOfOtherContent(
  pool: Pool,
  consumer: string,
  topic: string,
  eventId: string,
  value: Buffer,
): Promise<Rejection | undefined> {
  const digest = createHash('sha256').update(value).digest();
  const inserted = await pool.query(
    `INSERT INTO consumed_events (consumer_group, event_id, topic, value_sha256) VALUES ($1, $2, $3, $4)
     ON CONFLICT (consumer_group, event_id) DO NOTHING`,
    [consumer, eventId, topic, digest],
  );
  if (inserted.rowCount === 1) return undefined;
  const { rows } = await pool.query<{ topic: string; value_sha256: Buffer }>(
    'SELECT topic, value_sha256 FROM consumed_events WHERE consumer_group = $1 AND event_id = $2',
    [consumer, eventId],
  );
  const first = rows[0];
  if (!first || first.value_sha256.equals(digest)) return undefined;
  return {
    reason: 'DUPLICATE_EVENT_ID',
    error:
      `event ${eventId} was consumed before from ${first.topic} with other content ` +
      `(sha256 ${first.value_sha256.toString('hex')} then, ${digest.toString('hex')} now)`,
  };
}
