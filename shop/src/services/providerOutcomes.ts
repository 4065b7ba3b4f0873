import type { PoolClient } from 'pg';
import type { Attribution } from './auditLog';
import type { CancelReason } from './orderTransitions';
import { markRefunded } from './orderAudit';
import { discardOrder, findMove, NOW, writeMove } from './orderTransitions';
import { findOrderRow, type OrderRow } from './orders';
import type { ChargeResult } from './payments';

/*
 * What the provider's answer does to an order in an in-between state (paying, refunding), in the short transaction
 * after the call. The placement, an admin's cancel, the payment webhooks and recovery (providerRecovery.ts) all
 * settle through these, so an answer means the same wherever it arrives.
 */

/**
 * paying -> pending_payment: the provider took the payment (its answer to the charge, or its webhook). The payment is
 * recorded, the customer's cart is used up (its items and its discount code) and orders.created is written. The
 * caller holds the row's lock and has seen it paying.
 */
export async function acceptPayment(
  client: PoolClient,
  order: OrderRow,
  intent: { id: string; status: string },
  by: Attribution,
): Promise<void> {
  const move = findMove(order, 'accept_payment', 'provider');
  if (!move) throw new Error(`order ${order.id} is ${order.status}, not paying`);
  const { rows: items } = await client.query<{ product_id: string; quantity: number; unit_price: string }>(
    'SELECT product_id, quantity, unit_price FROM order_items WHERE order_id = $1 ORDER BY position',
    [order.id],
  );
  const changes = { payment_intent_id: intent.id, payment_status: intent.status, provider_call_at: null };
  await writeMove(client, move, by, changes, () => ({
    items: items.map((item) => ({ productId: item.product_id, quantity: item.quantity, unitPrice: Number(item.unit_price) })),
    subtotal: Number(order.subtotal),
    discountTotal: Number(order.discount_total),
    shippingCost: Number(order.shipping_cost),
    total: Number(order.total),
    currency: 'USD' as const,
  }));
  await client.query('DELETE FROM cart_items WHERE user_id = $1', [order.user_id]);
  await client.query('UPDATE carts SET discount_code = NULL, updated_at = now() WHERE user_id = $1', [order.user_id]);
}

/** What settling a charge's answer found: the order it settled, or one settled before (by a webhook, say). */
export type ChargeSettlement =
  | { outcome: 'accepted' | 'discarded'; order: OrderRow }
  | { outcome: 'already'; order: OrderRow | undefined };

/**
 * The answer to a placement's charge, applied to its order if it is still paying: accepted, or discarded (stock
 * back, order gone) on a decline or an unreachable provider. An order no longer paying was settled meanwhile: its
 * webhook accepted it (and maybe paid it) or discarded it, recovery did, or its customer was deleted (archived).
 */
export async function settleCharge(
  client: PoolClient,
  orderId: string,
  charge: ChargeResult,
  by: Attribution,
): Promise<ChargeSettlement> {
  const order = await findOrderRow(client, orderId, { lock: true });
  if (!order || order.status !== 'paying') return { outcome: 'already', order };
  if (charge.ok) {
    await acceptPayment(client, order, { id: charge.intentId, status: charge.status }, by);
    return { outcome: 'accepted', order };
  }
  await discardOrder(client, orderId, by);
  return { outcome: 'discarded', order };
}

/**
 * The answer to the refund of an admin's cancel, applied if the order is still refunding: refunded, it becomes
 * cancelled (refundedAt, stock released, orders.cancelled with refunded: true); not refunded, it is paid again as
 * before the cancel. False when the order is no longer refunding (its customer was deleted meanwhile: a refund that
 * went through is still noted on it).
 */
export async function settleRefund(
  client: PoolClient,
  orderId: string,
  refunded: boolean,
  by: Attribution,
): Promise<boolean> {
  const order = await findOrderRow(client, orderId, { lock: true });
  if (!order) return false;
  if (order.status !== 'refunding') {
    if (refunded) await markRefunded(client, orderId, by);
    return false;
  }
  if (!refunded) {
    const back = findMove(order, 'refund_failed', 'provider')!;
    await writeMove(client, back, by, { provider_call_at: null }, () => undefined);
    return true;
  }
  const reason: CancelReason = 'admin_request';
  const done = findMove(order, 'refund', 'provider')!;
  const changes = { cancel_reason: reason, payment_status: 'refunded', refunded_at: NOW, provider_call_at: null } as const;
  await writeMove(client, done, by, changes, () => ({ reason, refunded: true }));
  return true;
}
