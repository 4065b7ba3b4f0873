import type { Pool, PoolClient } from 'pg';
import type { Origin } from '../context';
import { withTransaction, type Db } from '../db';
import { forbidden, orderNotFound } from '../errors';
import { toCents } from '../money';
import type * as Http from '../../../contracts/http';
import { isUuid, textProblem, type InputCheck } from '../validation';
import type { ShippingAddress } from './addresses';
import { appendOrderEvent } from './orderEvents';
import { assertTransition, type OrderStatus } from './orderStatus';
import type { Payments } from './payments';
import { lineView } from './pricing';
import type { User } from './users';

/** An order as the API shows it (docs/API.md, "Orders"). */
export interface Order {
  id: string;
  userId: string | null;
  status: OrderStatus;
  items: ReturnType<typeof lineView>[];
  subtotal: number;
  discountTotal: number;
  discountCode: string | null;
  shippingCost: number;
  total: number;
  currency: 'USD';
  shippingAddress: ShippingAddress;
  payment: { intentId: string; status: string } | null;
  carrier: string | null;
  trackingNumber: string | null;
  createdAt: string;
  paidAt: string | null;
  shippedAt: string | null;
  deliveredAt: string | null;
  cancelledAt: string | null;
  cancelReason: Http.Order['cancelReason'];
  refundedAt: string | null;
}

export interface OrderRow {
  id: string;
  user_id: string | null;
  status: OrderStatus;
  subtotal: string;
  discount_total: string;
  discount_code: string | null;
  shipping_cost: string;
  total: string;
  shipping_address: ShippingAddress;
  payment_intent_id: string | null;
  payment_status: string | null;
  carrier: string | null;
  tracking_number: string | null;
  sequence: number;
  created_at: Date;
  paid_at: Date | null;
  shipped_at: Date | null;
  delivered_at: Date | null;
  cancelled_at: Date | null;
  cancel_reason: Http.Order['cancelReason'];
  refunded_at: Date | null;
}

interface ItemRow {
  order_id: string;
  product_id: string;
  name: string;
  unit_price: string;
  quantity: number;
}

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

function toOrder(row: OrderRow, items: ItemRow[]): Order {
  return {
    id: row.id,
    userId: row.user_id,
    status: row.status,
    items: items.map((item) =>
      lineView({
        productId: item.product_id,
        name: item.name,
        unitPriceCents: toCents(item.unit_price),
        quantity: item.quantity,
      }),
    ),
    subtotal: Number(row.subtotal),
    discountTotal: Number(row.discount_total),
    discountCode: row.discount_code,
    shippingCost: Number(row.shipping_cost),
    total: Number(row.total),
    currency: 'USD',
    shippingAddress: row.shipping_address,
    payment: row.payment_intent_id ? { intentId: row.payment_intent_id, status: row.payment_status ?? 'unknown' } : null,
    carrier: row.carrier,
    trackingNumber: row.tracking_number,
    createdAt: row.created_at.toISOString(),
    paidAt: iso(row.paid_at),
    shippedAt: iso(row.shipped_at),
    deliveredAt: iso(row.delivered_at),
    cancelledAt: iso(row.cancelled_at),
    cancelReason: row.cancel_reason,
    refundedAt: iso(row.refunded_at),
  };
}

/** Orders with their items, in the rows' order. */
export async function withItems(db: Db, rows: OrderRow[]): Promise<Order[]> {
  if (rows.length === 0) return [];
  const { rows: items } = await db.query<ItemRow>(
    `SELECT order_id, product_id, name, unit_price, quantity FROM order_items
      WHERE order_id = ANY($1::uuid[]) ORDER BY position`,
    [rows.map((row) => row.id)],
  );
  return rows.map((row) => toOrder(row, items.filter((item) => item.order_id === row.id)));
}

export async function findOrderRow(db: Db, id: string, { lock = false } = {}): Promise<OrderRow | undefined> {
  if (!isUuid(id)) return undefined;
  const { rows } = await db.query<OrderRow>(`SELECT * FROM orders WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0];
}

/** Customers see only their own orders: anyone else's is ORDER_NOT_FOUND, so order ids cannot be probed. */
const visibleTo = (user: User, row: OrderRow | undefined): row is OrderRow =>
  row !== undefined && (user.role === 'admin' || row.user_id === user.id);

export async function requireVisibleOrder(db: Db, user: User, id: string): Promise<OrderRow> {
  const row = await findOrderRow(db, id);
  if (!visibleTo(user, row)) throw orderNotFound();
  return row;
}

export async function getOrderFor(db: Db, user: User, id: string): Promise<Order> {
  return (await withItems(db, [await requireVisibleOrder(db, user, id)]))[0];
}

export interface OrderFilter {
  status?: OrderStatus;
  userId?: string;
}

/** Newest first; a customer's own orders only (their userId filter is ignored), an admin's all of them. */
export async function listOrders(db: Db, user: User, filter: OrderFilter): Promise<Order[]> {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const bind = (value: unknown) => `$${params.push(value)}`;
  const userId = user.role === 'admin' ? filter.userId : user.id;
  if (userId !== undefined) conditions.push(`user_id = ${bind(userId)}`);
  if (filter.status !== undefined) conditions.push(`status = ${bind(filter.status)}`);
  const { rows } = await db.query<OrderRow>(
    `SELECT * FROM orders ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
      ORDER BY created_at DESC, id DESC`,
    params,
  );
  return withItems(db, rows);
}

/** Puts an order's reserved stock back. */
export async function releaseStock(client: PoolClient, orderId: string): Promise<void> {
  await client.query(
    `UPDATE products p SET stock = p.stock + i.quantity, updated_at = now()
       FROM order_items i WHERE i.order_id = $1 AND p.id = i.product_id`,
    [orderId],
  );
}

/** Locks the order for the rest of the transaction; ORDER_NOT_FOUND when it is not the user's to see. */
async function lockOrderFor(client: PoolClient, user: User, id: string): Promise<OrderRow> {
  const row = await findOrderRow(client, id, { lock: true });
  if (!visibleTo(user, row)) throw orderNotFound();
  return row;
}

async function orderAfter(client: PoolClient, id: string): Promise<Order> {
  const row = await findOrderRow(client, id);
  return (await withItems(client, [row!]))[0];
}

export interface Shipment {
  carrier: string;
  trackingNumber: string;
}

/** The carrier's and the tracking number's lengths once trimmed (the schema checks that both are there). */
export const checkShipment: InputCheck<Http.Shipment> = (shipment, issues) => {
  issues.check(shipment, 'carrier', textProblem(1, 64));
  issues.check(shipment, 'trackingNumber', textProblem(1, 64));
};

export const shipmentOf = (shipment: Http.Shipment): Shipment => ({
  carrier: shipment.carrier.trim(),
  trackingNumber: shipment.trackingNumber.trim(),
});

/** The order actions after placement: cancel (with a refund when paid), ship and deliver. */
export class OrderActions {
  constructor(
    private readonly pool: Pool,
    private readonly payments: Payments,
  ) {}

  /**
   * The owner may cancel an unpaid order, an admin also a paid one, which is refunded first: the refund and the
   * status change happen under the order's lock, and a failed refund leaves the order as it was.
   */
  async cancel(user: User, id: string, origin: Origin): Promise<Order> {
    return withTransaction(this.pool, async (client) => {
      const row = await lockOrderFor(client, user, id);
      assertTransition(row.status, 'cancelled');
      if (row.status === 'paid' && user.role !== 'admin') throw forbidden();
      const refunded = row.status === 'paid' && row.payment_intent_id !== null;
      if (refunded) await this.payments.refund(row.payment_intent_id!, row.id, origin);
      // The orders.cancelled reason and cancel_reason: who cancelled (the payment_failed webhook sets its own).
      const reason = user.role === 'admin' ? 'admin_request' : 'customer_request';
      await client.query(
        `UPDATE orders SET status = 'cancelled', cancelled_at = now(), cancel_reason = $2,
                payment_status = CASE WHEN $3 THEN 'refunded' ELSE payment_status END,
                refunded_at = CASE WHEN $3 THEN now() END
          WHERE id = $1`,
        [row.id, reason, refunded],
      );
      await releaseStock(client, row.id);
      await appendOrderEvent(client, 'orders.cancelled', { id: row.id, userId: row.user_id! }, origin.id, {
        reason,
        refunded,
      });
      return orderAfter(client, row.id);
    });
  }

  async ship(admin: User, id: string, shipment: Shipment, origin: Origin): Promise<Order> {
    return withTransaction(this.pool, async (client) => {
      const row = await lockOrderFor(client, admin, id);
      assertTransition(row.status, 'shipped');
      const { rows } = await client.query<{ shipped_at: Date }>(
        `UPDATE orders SET status = 'shipped', shipped_at = now(), carrier = $2, tracking_number = $3
          WHERE id = $1 RETURNING shipped_at`,
        [row.id, shipment.carrier, shipment.trackingNumber],
      );
      await appendOrderEvent(client, 'orders.shipped', { id: row.id, userId: row.user_id! }, origin.id, {
        ...shipment,
        shippedAt: rows[0].shipped_at.toISOString(),
      });
      return orderAfter(client, row.id);
    });
  }

  async deliver(admin: User, id: string, origin: Origin): Promise<Order> {
    return withTransaction(this.pool, async (client) => {
      const row = await lockOrderFor(client, admin, id);
      assertTransition(row.status, 'delivered');
      const { rows } = await client.query<{ delivered_at: Date }>(
        `UPDATE orders SET status = 'delivered', delivered_at = now() WHERE id = $1 RETURNING delivered_at`,
        [row.id],
      );
      await appendOrderEvent(client, 'orders.delivered', { id: row.id, userId: row.user_id! }, origin.id, {
        deliveredAt: rows[0].delivered_at.toISOString(),
      });
      return orderAfter(client, row.id);
    });
  }
}

/**
 * A deleted user's orders: archived, with the user id moved to archived_user_id (call it in the deletion's
 * transaction). An unpaid order will never be paid by a deleted account, so its reservation goes back to stock;
 * a payment that still succeeds for it is refunded by the webhook.
 */
export async function archiveOrdersOf(client: PoolClient, userId: string): Promise<void> {
  // FOR UPDATE waits for a placement still in flight, so its outcome is what gets archived.
  const { rows: unpaid } = await client.query<{ id: string }>(
    `SELECT id FROM orders WHERE user_id = $1 AND status = 'pending_payment' FOR UPDATE`,
    [userId],
  );
  for (const { id } of unpaid) await releaseStock(client, id);
  await client.query(
    `UPDATE orders SET status = 'archived', archived_user_id = user_id, user_id = NULL WHERE user_id = $1`,
    [userId],
  );
}
