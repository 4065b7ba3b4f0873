import type { PoolClient } from 'pg';
import type { OrderEventBase, OrderEventPayloads, OrderEventType } from '../events';
import { enqueueEvent } from '../outbox';

/**
 * Writes an order event to the outbox with the order's next sequence number. Call it in the transaction of the
 * change: the counter is bumped on the order row, which that transaction has locked, so an order's events are
 * numbered 1, 2, 3... without gaps, in the order they were committed.
 */
export async function appendOrderEvent<T extends OrderEventType>(
  client: PoolClient,
  type: T,
  order: { id: string; userId: string },
  correlationId: string,
  details: Omit<OrderEventPayloads[T], keyof OrderEventBase>,
): Promise<void> {
  const { rows } = await client.query<{ sequence: number }>(
    'UPDATE orders SET sequence = sequence + 1 WHERE id = $1 RETURNING sequence',
    [order.id],
  );
  await enqueueEvent(client, {
    type,
    key: order.id,
    correlationId,
    payload: { orderId: order.id, userId: order.userId, sequence: rows[0].sequence, ...details },
  });
}
