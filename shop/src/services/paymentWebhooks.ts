import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool, PoolClient } from 'pg';
import type { Origin } from '../origin';
import { withTransaction } from '../db';
import { isUuid } from '../validation';
import { SYSTEM, type Attribution } from './auditLog';
import { findOrderRow, type OrderRow } from './orders';
import { markRefunded } from './orderAudit';
import { discardOrder, findMove, writeMove, type Changes, type DetailsOf, type Move } from './orderTransitions';
import type { PaymentEvent, Payments } from './payments';
import { acceptPayment } from './providerOutcomes';

/** The PaymentIntent of a payment_intent.* event, read defensively: a signed event may still lack fields. */
export interface IntentFields {
  id?: string;
  amount?: number;
  currency?: string;
  metadata?: Record<string, string> | null;
  last_payment_error?: { message?: string; decline_code?: string; code?: string } | null;
}

/**
 * Whom the provider's event acts for: the customer action that asked for the payment, whose correlation id the shop put
 * in the intent's metadata (the placement's); the webhook request's own id when the metadata has none that is a UUID.
 */
function causeOf(intent: IntentFields, origin: Origin): Attribution {
  const given = intent.metadata?.correlationId;
  return { actor: SYSTEM, correlationId: typeof given === 'string' && isUuid(given) ? given : origin.id };
}

/** The intent on the order: the one placement recorded, else the event's (none when neither says). */
const intentIdOf = (order: OrderRow, intent: IntentFields): string | null => order.payment_intent_id ?? intent.id ?? null;

/** payment_intent.succeeded: a pending_payment order becomes paid. */
async function markPaid(client: PoolClient, move: Move<'pay', OrderRow>, intent: IntentFields, by: Attribution) {
  const { order } = move;
  const changes = { payment_status: 'succeeded', payment_intent_id: intentIdOf(order, intent) };
  await writeMove(client, move, by, changes, (after, at): DetailsOf<'pay'> => ({
    paymentIntentId: after.payment_intent_id!,
    // What the provider charged, in dollars: the order's total, or the event was refused (mismatchOf).
    amount: intent.amount! / 100,
    currency: 'USD',
    paidAt: at.toISOString(),
  }));
}

/** payment_intent.payment_failed: a pending_payment order is cancelled and its stock released. */
async function markPaymentFailed(
  client: PoolClient,
  move: Move<'fail_payment', OrderRow>,
  intent: IntentFields,
  by: Attribution,
) {
  const changes: Changes = {
    cancel_reason: 'payment_failed',
    payment_status: 'failed',
    payment_intent_id: intentIdOf(move.order, intent),
  };
  const failure = intent.last_payment_error;
  await writeMove(client, move, by, changes, (after) => ({
    paymentIntentId: after.payment_intent_id!,
    reason: (failure?.message || failure?.decline_code || failure?.code || 'The payment failed').slice(0, 500),
  }));
}

/** Makes the provider's move for a payment event on a locked order; false when the table has none from its status. */
type Apply = (client: PoolClient, order: OrderRow, intent: IntentFields, by: Attribution) => Promise<boolean>;

function applying<C extends 'pay' | 'fail_payment'>(
  cause: C,
  apply: (client: PoolClient, move: Move<C, OrderRow>, intent: IntentFields, by: Attribution) => Promise<void>,
): Apply {
  return async (client, order, intent, by) => {
    const move = findMove(order, cause, 'provider');
    if (move) await apply(client, move, intent, by);
    return move !== undefined;
  };
}

const pay = applying('pay', markPaid);

/**
 * A `paying` order whose payment the provider says succeeded: accepted as its placement would have (pending_payment,
 * the cart used up, orders.created), then paid (orders.paid), in the caller's transaction, which holds the row's lock.
 * The success webhook does this when it finds the order still paying; recovery does when the provider's answer says
 * succeeded, as the webhook may have been given up while the shop was down.
 */
export async function payPayingOrder(
  client: PoolClient,
  order: OrderRow,
  intent: IntentFields & { id: string },
  by: Attribution,
): Promise<void> {
  await acceptPayment(client, order, { id: intent.id, status: 'succeeded' }, by);
  const accepted = await findOrderRow(client, order.id);
  await pay(client, accepted!, intent, by);
}
const failPayment = applying('fail_payment', markPaymentFailed);

/** How long an event for an order still `paying` gives its placement to write the provider's answer first. */
const PAYING_GRACE_MS = 1_000;
const PAYING_POLL_MS = 50;

/**
 * Waits (bounded, holding no connection between looks) while the event's order is `paying`: the provider sends its
 * events a moment after answering, so the placement has nearly always written the answer by then, and answers the
 * order as pending_payment. Past the grace the event settles the order itself (HANDLERS).
 */
async function graceForPlacement(pool: Pool, event: PaymentEvent): Promise<void> {
  const orderId = ((event.data?.object ?? {}) as IntentFields).metadata?.orderId;
  if (!HANDLERS[event.type] || typeof orderId !== 'string' || !isUuid(orderId)) return;
  for (const deadline = Date.now() + PAYING_GRACE_MS; Date.now() < deadline; await sleep(PAYING_POLL_MS)) {
    const { rows } = await pool.query<{ status: string }>('SELECT status FROM orders WHERE id = $1', [orderId]);
    if (rows[0]?.status !== 'paying') return;
  }
}

/**
 * An event for an order still `paying` after the grace (its placement's answer is slow, or its shop died mid-call)
 * settles it, as the answer would have: a success proves the charge, so the payment is accepted (orders.created) and then
 * paid (orders.paid); a failure discards the placement (stock back, order gone), as a decline does. The placement's
 * own second transaction then finds it settled. So nothing waits for the provider call, and nothing is lost.
 */
const HANDLERS: Record<string, Apply> = {
  'payment_intent.succeeded': async (client, order, intent, by) => {
    if (order.status === 'paying' && typeof intent.id === 'string') {
      await payPayingOrder(client, order, { ...intent, id: intent.id }, by);
      return true;
    }
    return pay(client, order, intent, by);
  },
  'payment_intent.payment_failed': async (client, order, intent, by) => {
    if (order.status !== 'paying') return failPayment(client, order, intent, by);
    await discardOrder(client, order.id, by);
    return true;
  },
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

/** A success the shop will fulfil no order for: refunded before the event is recorded (see handlePaymentEvent). */
class RefundFirst {
  constructor(
    readonly intentId: string,
    readonly orderId: string | undefined,
    readonly by: Attribution,
  ) {}
}

/**
 * Records the event by its id and applies it, in one transaction: a redelivered event finds its row and changes
 * nothing (two deliveries at once: the second waits on the first's insert, then finds it). A success for a cancelled
 * or missing order, or for an order archived unpaid, is refunded; any other event for an order that is not
 * pending_payment or paying (already paid, say) is recorded and ignored.
 *
 * The refund is made with no transaction open: the first transaction rolls back, the refund is asked for (keyed by the
 * intent, so asking twice refunds once), and a second transaction records the event and notes the refund. If the
 * refund fails, nothing is recorded: the answer is 502 (503 with the circuit open) and the provider's retry refunds.
 * The order cannot move on meanwhile: cancelled, archived and missing orders are where no move leads back from.
 *
 * An event that would settle an order it does not match (mismatchOf) is recorded with its rejection and changes
 * nothing else; the caller refuses it, and its redeliveries, with PAYMENT_MISMATCH.
 */
export async function handlePaymentEvent(
  pool: Pool,
  payments: Payments,
  event: PaymentEvent,
  origin: Origin,
): Promise<WebhookOutcome> {
  await graceForPlacement(pool, event);
  try {
    return await withTransaction(pool, (client) => recordAndApply(client, event, origin));
  } catch (error) {
    if (!(error instanceof RefundFirst)) throw error;
    const refunded = await payments.refundIntent(error.intentId, origin);
    return withTransaction(pool, async (client) => {
      const { rowCount } = await client.query(
        'INSERT INTO webhook_events (event_id, type) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING',
        [event.id, event.type],
      );
      if (rowCount === 0) return { duplicate: true };
      if (!refunded) return { duplicate: false };
      origin.log.info({ intentId: error.intentId, orderId: error.orderId ?? null }, 'unwanted payment refunded');
      if (error.orderId !== undefined) await markRefunded(client, error.orderId, error.by);
      return { duplicate: false };
    });
  }
}

export type Rejection = 'intent_mismatch' | 'amount_mismatch' | 'currency_mismatch';

/** What a refused event is told: the order's own figures are not given back to whoever sent it. */
export const REJECTIONS: Record<Rejection, string> = {
  intent_mismatch: "its payment intent is not the order's",
  amount_mismatch: "its amount is not the order's total",
  currency_mismatch: 'its currency is not usd',
};

/**
 * Why an event that would settle this order does not belong to it, if it does not: another payment intent than the one
 * its placement recorded (none is recorded while `paying`), or, for a success, an amount other than the order's total in
 * cents or a currency other than usd. Such an event is signed by the provider, but paying the order on it would ship
 * goods for money that was not taken for them.
 */
function mismatchOf(type: string, order: OrderRow, intent: IntentFields): Rejection | undefined {
  if (!HANDLERS[type] || (order.status !== 'pending_payment' && order.status !== 'paying')) return undefined;
  if (order.payment_intent_id !== null && intent.id !== order.payment_intent_id) return 'intent_mismatch';
  if (type !== 'payment_intent.succeeded') return undefined;
  if (intent.amount !== Math.round(Number(order.total) * 100)) return 'amount_mismatch';
  if (intent.currency?.toLowerCase() !== 'usd') return 'currency_mismatch';
  return undefined;
}

export interface WebhookOutcome {
  /** The event was recorded before; nothing happened now. */
  duplicate: boolean;
  /** The event was refused (now, or when it was first recorded): nothing of it was applied. */
  rejection?: Rejection;
}

async function recordAndApply(client: PoolClient, event: PaymentEvent, origin: Origin): Promise<WebhookOutcome> {
  const { rowCount } = await client.query(
    'INSERT INTO webhook_events (event_id, type) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING',
    [event.id, event.type],
  );
  if (rowCount === 0) {
    const { rows } = await client.query<{ rejection: Rejection | null }>('SELECT rejection FROM webhook_events WHERE event_id = $1', [
      event.id,
    ]);
    return { duplicate: true, rejection: rows[0]?.rejection ?? undefined };
  }

  const handler = HANDLERS[event.type];
  if (!handler) return { duplicate: false };
  const intent = (event.data?.object ?? {}) as IntentFields;
  const orderId = intent.metadata?.orderId;
  // The row's lock is held only while this transaction writes; no provider call holds it.
  const order = typeof orderId === 'string' && isUuid(orderId) ? await findOrderRow(client, orderId, { lock: true }) : undefined;
  const rejection = order && mismatchOf(event.type, order, intent);
  if (order && rejection) {
    await client.query('UPDATE webhook_events SET order_id = $2, rejection = $3 WHERE event_id = $1', [event.id, order.id, rejection]);
    origin.log.warn(
      { eventId: event.id, type: event.type, orderId: order.id, rejection, intentId: intent.id ?? null, amount: intent.amount ?? null },
      'payment event refused: it does not match its order',
    );
    return { duplicate: false, rejection };
  }
  // The provider's word: the system acts, for the customer action that asked for the payment.
  const by = causeOf(intent, origin);
  if (order && (await handler(client, order, intent, by))) {
    origin.log.info({ eventId: event.id, type: event.type, orderId: order.id, correlationId: by.correlationId }, 'payment event applied');
    return { duplicate: false };
  }
  if (isUnwantedPayment(event.type, intent, order)) throw new RefundFirst(intent.id, order?.id, by);
  origin.log.info({ eventId: event.id, type: event.type, orderId, status: order?.status ?? null, correlationId: by.correlationId }, 'payment event ignored');
  return { duplicate: false };
}
