import type { FastifyBaseLogger } from 'fastify';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import type { Pool, PoolClient } from 'pg';
import { withTransaction } from '../db';
import { ORDER_EVENT_TYPES, type EventEnvelope, type OrderEventBase, type OrderEventType } from '../events';
import { canTransition, STATUS_AFTER_EVENT, type OrderStatus } from '../services/orderTransitions';
import { startEventConsumer, type EventHandlers } from './eventConsumer';

export interface OrderTrackingOptions {
  kafka: Kafka;
  producer: Producer;
  pool: Pool;
  log: FastifyBaseLogger;
  topicPrefix: string;
  joinTimeoutMs: number;
}

/** The advisory-lock class of one order's projection (two-key form, apart from the shop's one-key locks). */
const TRACKING_LOCK_CLASS = 7_240_005;

interface Applied {
  sequence: number;
  status: OrderStatus | null;
}

interface Candidate {
  event_id: string;
  order_id: string;
  sequence: number;
  topic: OrderEventType;
  occurred_at: Date;
}

async function lastApplied(client: PoolClient, orderId: string): Promise<Applied> {
  const { rows } = await client.query<{ sequence: number; status: OrderStatus }>(
    'SELECT sequence, status FROM order_history WHERE order_id = $1 ORDER BY sequence DESC LIMIT 1',
    [orderId],
  );
  return rows[0] ?? { sequence: 0, status: null };
}

/**
 * Applies the next event of the order when the state machine (orderTransitions.ts) has a move from the status applied
 * last to the event's; otherwise records why not and stays put.
 */
async function applyNext(client: PoolClient, log: FastifyBaseLogger, candidate: Candidate, applied: Applied): Promise<Applied> {
  const status = STATUS_AFTER_EVENT[candidate.topic];
  if (!canTransition(applied.status, status)) {
    const message = `Invalid state transition: ${applied.status ?? 'none'} -> ${status}`;
    await client.query(
      `INSERT INTO order_tracking_errors (event_id, order_id, topic, message) VALUES ($1, $2, $3, $4)
       ON CONFLICT (event_id) DO NOTHING`,
      [candidate.event_id, candidate.order_id, candidate.topic, message],
    );
    log.warn({ eventId: candidate.event_id, orderId: candidate.order_id, sequence: candidate.sequence }, message);
    return applied;
  }
  await client.query(
    'INSERT INTO order_history (order_id, sequence, status, event_id, occurred_at) VALUES ($1, $2, $3, $4, $5)',
    [candidate.order_id, candidate.sequence, status, candidate.event_id, candidate.occurred_at],
  );
  return { sequence: candidate.sequence, status };
}

/**
 * Every event is parked first, then the order's parked events are applied in sequence order for as long as the
 * next one is there: an event that arrives early waits in order_tracking_pending for the gap to be filled, an
 * already applied sequence is a duplicate and is dropped. One order at a time (an advisory lock), so redeliveries
 * and several shops on one database cannot apply an order's events twice.
 */
async function track(options: OrderTrackingOptions, event: EventEnvelope<OrderEventBase>): Promise<void> {
  const { orderId, sequence } = event.payload;
  await withTransaction(options.pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [TRACKING_LOCK_CLASS, orderId]);
    await client.query(
      `INSERT INTO order_tracking_pending (event_id, order_id, sequence, topic, occurred_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (event_id) DO NOTHING`,
      [event.eventId, orderId, sequence, event.type, event.occurredAt],
    );
    let applied = await lastApplied(client, orderId);
    for (;;) {
      const { rows } = await client.query<Candidate>(
        `DELETE FROM order_tracking_pending WHERE event_id = (
           SELECT event_id FROM order_tracking_pending WHERE order_id = $1 AND sequence <= $2
            ORDER BY sequence, received_at, event_id LIMIT 1)
         RETURNING event_id, order_id, sequence, topic, occurred_at`,
        [orderId, applied.sequence + 1],
      );
      if (!rows[0]) break;
      if (rows[0].sequence > applied.sequence) applied = await applyNext(client, options.log, rows[0], applied);
    }
  });
}

/** Starts the `order-tracking` consumer of every orders.* topic; resolves once it has joined its group. */
export function startOrderTrackingConsumer(options: OrderTrackingOptions): Promise<Consumer> {
  const handlers: EventHandlers = Object.fromEntries(
    ORDER_EVENT_TYPES.map((type) => [type, (event: EventEnvelope<OrderEventBase>) => track(options, event)]),
  );
  return startEventConsumer({ ...options, group: 'shop-order-tracking', handlers });
}
