import type { Pool, PoolClient } from 'pg';
import type { Origin } from '../origin';
import { withTransaction, type Db } from '../db';
import { orderNotFound } from '../errors';
import { toCents } from '../money';
import type * as Http from '../../../contracts/http';
import { isUuid, textProblem, type InputCheck } from '../validation';
import type { ShippingAddress } from './addresses';
import { userActor, type Attribution } from './auditLog';
import { checkMove, NOW, writeMove, type Actor, type OrderState, type OrderStatus } from './orderTransitions';
import type { Payments } from './payments';
import { settleRefund } from './providerOutcomes';
import { lineView } from './pricing';
import type { User } from './users';

/** An order as the API shows it: the contract's type (contracts/http/orders.ts). */
export type Order = Http.Order;

/** The orders row: its state (what moves change, orderTransitions.ts) and what it holds. */
export interface OrderRow extends OrderState {
  subtotal: string;
  discount_total: string;
  discount_code: string | null;
  shipping_cost: string;
  total: string;
  shipping_address: ShippingAddress;
  sequence: number;
  created_at: Date;
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

/** Locks the order for the rest of the transaction; ORDER_NOT_FOUND when it is not the user's to see. */
async function lockOrderFor(client: PoolClient, user: User, id: string): Promise<OrderRow> {
  const row = await findOrderRow(client, id, { lock: true });
  if (!visibleTo(user, row)) throw orderNotFound();
  return row;
}

/** Who a visible order's user is to the state machine: an admin, or else its owner. */
const actorOf = (user: User): Actor => (user.role === 'admin' ? 'admin' : 'owner');

/** The user's action, under the request's correlation id (the refund's answer included: it settles their call). */
const attributed = (user: User, origin: Origin): Attribution => ({ actor: userActor(user.id), correlationId: origin.id });

async function orderAfter(db: Db, id: string): Promise<Order> {
  const row = await findOrderRow(db, id);
  return (await withItems(db, [row!]))[0];
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
   * The owner may cancel an unpaid order, an admin also a paid one, which is refunded first. Neither a connection
   * nor the row's lock is held across the refund: the order is `refunding` meanwhile (committed first), and the
   * provider's answer is settled in a second short transaction: refunded → cancelled; not refunded → paid again, and
   * `502` (or `503` with the circuit open). A shop that dies mid-refund leaves it to recovery (providerRecovery.ts).
   */
  async cancel(user: User, id: string, origin: Origin): Promise<Order> {
    const by = attributed(user, origin);
    const started = await withTransaction(this.pool, async (client) => {
      const row = await lockOrderFor(client, user, id);
      const move = checkMove(row, 'cancel', actorOf(user));
      // The orders.cancelled reason and cancel_reason: who cancelled (the payment_failed webhook sets its own).
      const reason = user.role === 'admin' ? 'admin_request' : 'customer_request';
      if (move.transition.to === 'refunding') {
        await writeMove(client, move, by, { provider_call_at: NOW }, () => ({ reason, refunded: true }));
        return { kind: 'refunding' as const, row };
      }
      await writeMove(client, move, by, { cancel_reason: reason }, () => ({ reason, refunded: false }));
      return { kind: 'cancelled' as const, order: await orderAfter(client, row.id) };
    });
    if (started.kind === 'cancelled') return started.order;
    const { id: orderId, payment_intent_id: intentId } = started.row;
    let failure: unknown;
    try {
      if (intentId !== null) await this.payments.refund(intentId, orderId, origin);
    } catch (error) {
      failure = error;
    }
    await withTransaction(this.pool, (client) => settleRefund(client, orderId, failure === undefined, by));
    if (failure !== undefined) throw failure;
    return orderAfter(this.pool, orderId);
  }

  async ship(admin: User, id: string, shipment: Shipment, origin: Origin): Promise<Order> {
    return withTransaction(this.pool, async (client) => {
      const row = await lockOrderFor(client, admin, id);
      const move = checkMove(row, 'ship', actorOf(admin));
      const changes = { carrier: shipment.carrier, tracking_number: shipment.trackingNumber };
      await writeMove(client, move, attributed(admin, origin), changes, (_after, at) => ({ ...shipment, shippedAt: at.toISOString() }));
      return orderAfter(client, row.id);
    });
  }

  async deliver(admin: User, id: string, origin: Origin): Promise<Order> {
    return withTransaction(this.pool, async (client) => {
      const row = await lockOrderFor(client, admin, id);
      const move = checkMove(row, 'deliver', actorOf(admin));
      await writeMove(client, move, attributed(admin, origin), {}, (_after, at) => ({ deliveredAt: at.toISOString() }));
      return orderAfter(client, row.id);
    });
  }
}
