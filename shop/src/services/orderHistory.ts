import type { Db } from '../db';
import type { OrderStatus } from './orderTransitions';
import { requireVisibleOrder } from './orders';
import type { User } from './users';

export interface HistoryEntry {
  status: OrderStatus;
  eventId: string;
  occurredAt: string;
}

/** The order's history as the order-tracking projection has applied it, oldest first (it may lag the order by a moment). */
export async function getOrderHistory(db: Db, user: User, orderId: string): Promise<HistoryEntry[]> {
  await requireVisibleOrder(db, user, orderId);
  const { rows } = await db.query<{ status: OrderStatus; event_id: string; occurred_at: Date }>(
    'SELECT status, event_id, occurred_at FROM order_history WHERE order_id = $1 ORDER BY sequence',
    [orderId],
  );
  return rows.map((row) => ({ status: row.status, eventId: row.event_id, occurredAt: row.occurred_at.toISOString() }));
}
