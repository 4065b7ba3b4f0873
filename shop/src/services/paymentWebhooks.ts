import type { Pool, PoolClient } from 'pg';
import type { Origin } from '../origin';
import { withTransaction } from '../db';
import { isUuid } from '../validation';
import { appendOrderEvent } from './orderEvents';
import { findOrderRow, releaseStock, type OrderRow } from './orders';
import type { PaymentEvent, Payments } from './payments';

/** The PaymentIntent of a payment_intent.* event, read defensively: a signed event may still lack fields. */
interface IntentFields {
  id?: string;
  amount?: number;
  metadata?: Record<string, string> | null;
  last_payment_error?: { message?: string; decline_code?: string; code?: string } | null;
}

type Handler = (client: PoolClient, order: OrderRow, intent: IntentFields, correlationId: string) => Promise<void>;

/** payment_intent.succeeded: a pending_payment order becomes paid. */
const markPaid: Handler = async (client, order, intent, correlationId) => {
  const { rows } = await client.query<{ paid_at: Date; payment_intent_id: string }>(
    `UPDATE orders SET status = 'paid', paid_at = now(), payment_status = 'succeeded',
            payment_intent_id = COALESCE(payment_intent_id, $2)
      WHERE id = $1 RETURNING paid_at, payment_intent_id`,
    [order.id, intent.id ?? null],
  );
  await appendOrderEvent(client, 'orders.paid', { id: order.id, userId: order.user_id! }, correlationId, {
    paymentIntentId: rows[0].payment_intent_id,
    // What the provider charged, in dollars; the order's total when the intent does not say.
    amount: typeof intent.amount === 'number' ? intent.amount / 100 : Number(order.total),
    currency: 'USD',
    paidAt: rows[0].paid_at.toISOString(),
  });
};

/** payment_intent.payment_failed: a pending_payment order is cancelled and its stock released. */
const markPaymentFailed: Handler = async (client, order, intent, correlationId) => {
  const { rows } = await client.query<{ payment_intent_id: string }>(
    `UPDATE orders SET status = 'cancelled', cancelled_at = now(), cancel_reason = 'payment_failed',
            payment_status = 'failed', payment_intent_id = COALESCE(payment_intent_id, $2)
      WHERE id = $1 RETURNING payment_intent_id`,
    [order.id, intent.id ?? null],
  );
  await releaseStock(client, order.id);
  const failure = intent.last_payment_error;
  await appendOrderEvent(client, 'orders.payment_failed', { id: order.id, userId: order.user_id! }, correlationId, {
    paymentIntentId: rows[0].payment_intent_id,
    reason: (failure?.message || failure?.decline_code || failure?.code || 'The payment failed').slice(0, 500),
  });
};

const HANDLERS: Record<string, Handler> = {
  'payment_intent.succeeded': markPaid,
  'payment_intent.payment_failed': markPaymentFailed,
};

/**
 * A payment that succeeded although the shop will fulfil no order for it: the order was cancelled while the payment
 * went through, its customer's account was deleted while it was unpaid (archived), or it was compensated away (or
 * never existed) after the provider charged anyway. Its money goes back. An order refunded already (by an admin's
 * cancel, or an earlier event) needs nothing more. An archived order with paid_at set was paid before it was archived
 * (paid_at is set only by the success webhook and never cleared), so that payment is the order's and is kept.
 */
function isUnwantedPayment(type: string, intent: IntentFields, order: OrderRow | undefined): intent is IntentFields & { id: string } {
  if (type !== 'payment_intent.succeeded' || typeof intent.id !== 'string') return false;
  if (order === undefined) return typeof intent.metadata?.orderId === 'string';
  if (order.refunded_at !== null) return false;
  return order.status === 'cancelled' || (order.status === 'archived' && order.paid_at === null);
}

/** Refunds the whole payment and notes it on the order; an unreachable provider throws, rolling it all back. */
async function refundUnwantedPayment(
  client: PoolClient,
  payments: Payments,
  intentId: string,
  order: OrderRow | undefined,
  origin: Origin,
): Promise<void> {
  if (!(await payments.refundIntent(intentId, origin))) return;
  origin.log.info({ intentId, orderId: order?.id ?? null, status: order?.status ?? null }, 'unwanted payment refunded');
  if (order) await client.query(`UPDATE orders SET refunded_at = now(), payment_status = 'refunded' WHERE id = $1`, [order.id]);
}

/**
 * Records the event by its id and applies it, in one transaction: a redelivered event finds its row and changes
 * nothing (two deliveries at once: the second waits on the first's insert, then finds it). A success for a cancelled
 * or missing order, or for an order archived unpaid, is refunded; any other event for an order that is not
 * pending_payment (already paid, say) is recorded and ignored.
 */
export async function handlePaymentEvent(
  pool: Pool,
  payments: Payments,
  event: PaymentEvent,
  origin: Origin,
): Promise<{ duplicate: boolean }> {
  return withTransaction(pool, async (client) => {
    const { rowCount } = await client.query(
      'INSERT INTO webhook_events (event_id, type) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING',
      [event.id, event.type],
    );
    if (rowCount === 0) return { duplicate: true };

    const handler = HANDLERS[event.type];
    if (!handler) return { duplicate: false };
    const intent = (event.data?.object ?? {}) as IntentFields;
    const orderId = intent.metadata?.orderId;
    // Waits while the order's placement still has it locked, so the webhook sees the saga's outcome.
    const order = typeof orderId === 'string' && isUuid(orderId) ? await findOrderRow(client, orderId, { lock: true }) : undefined;
    if (order?.status === 'pending_payment') {
      await handler(client, order, intent, origin.id);
    } else if (isUnwantedPayment(event.type, intent, order)) {
      // Inside the transaction: if the refund fails, the event stays unrecorded and the provider's retry refunds.
      await refundUnwantedPayment(client, payments, intent.id, order, origin);
    } else {
      origin.log.info({ eventId: event.id, type: event.type, orderId, status: order?.status ?? null }, 'payment event ignored');
    }
    return { duplicate: false };
  });
}
