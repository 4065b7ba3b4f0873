import type { PoolClient } from 'pg';
import { forbidden, invalidStatusTransition } from '../errors';
import { ORDER_EVENT_TYPES, type OrderEventBase, type OrderEventPayloads, type OrderEventType } from '../events';
import type { ShippingAddress } from './addresses';
import { changesBetween, recordAudit, type Attribution } from './auditLog';
import { auditMove } from './orderAudit';
import { appendOrderEvent } from './orderEvents';
import { enqueueProductChanges, productsOfOrder } from './productEvents';
import { ORDER_STATUSES, type Order, type OrderStatus } from '../../../contracts/http';

/*
 * The order state machine as one table, and every write of orders.status. The table mirrors docs/API.md ("Orders":
 * the diagram "Statuses and transitions" and the "who" of each call); change both together. Each write checks its move
 * against the table, and the order-tracking projection judges the events it replays by the same table.
 * One file on purpose (a little over 300 lines): the table and the only writes it allows stay side by side.
 */

export { ORDER_STATUSES, type OrderStatus };

/** Why an order was cancelled (the order's `cancelReason`). */
export type CancelReason = NonNullable<Order['cancelReason']>;

export const isOrderStatus = (value: unknown): value is OrderStatus =>
  (ORDER_STATUSES as readonly unknown[]).includes(value);

/**
 * What makes a move: placing the order, the provider's answer to its charge, a payment webhook, an action on the
 * order, the provider's answer to a refund, or deleting its customer.
 */
export type Cause =
  | 'place'
  | 'accept_payment'
  | 'pay'
  | 'fail_payment'
  | 'cancel'
  | 'refund'
  | 'refund_failed'
  | 'ship'
  | 'deliver'
  | 'delete_customer';

/** Who may make a move: the order's owner, an admin, or the payment provider (its answer to a call, or its webhook). */
export type Actor = 'owner' | 'admin' | 'provider';

// One row of the table; generic so each row keeps its cause and event as literal types (see DetailsOf).
const row = <C extends Cause, E extends OrderEventType | null>(
  from: OrderStatus | null,
  to: OrderStatus,
  cause: C,
  by: readonly Actor[],
  event: E,
  releasesStock: boolean,
) => ({ from, to, cause, by, event, releasesStock });

/** A deleted customer's orders are archived whatever their status; an archived one has no customer left to delete. */
const ARCHIVABLE = ORDER_STATUSES.filter((status) => status !== 'archived');

/** The statuses that hold reserved stock nobody has paid for yet. */
const UNPAID: readonly (OrderStatus | null)[] = ['paying', 'pending_payment'];

/**
 * `from` null: the order does not exist yet. `by` is checked here for the moves of one existing order; placing and
 * deleting a customer check their caller at the route. `event`: what the move writes to the outbox (orders.created
 * only once the provider has taken the payment; the in-between states and archiving write none). `releasesStock`:
 * the order's reserved stock goes back.
 *
 * The in-between states, each held only while one call to the provider runs, with no database connection or row
 * lock held across it (docs/API.md, "Orders"): `paying` (committed before the charge; the answer, or the provider's
 * webhook, makes it pending_payment; a decline or an unreachable provider deletes it, as not a move: discardOrder)
 * and `refunding` (an admin's cancel of a paid order, committed before the refund; the answer makes it cancelled, or
 * paid again). providerRecovery.ts settles the ones a shop left behind when it died mid-call.
 */
// prettier-ignore
export const TRANSITIONS = Object.freeze([
  //  from               to                 cause              by                  event                    releasesStock
  row(null,              'paying',          'place',           ['owner'],          null,                    false),
  row('paying',          'pending_payment', 'accept_payment',  ['provider'],       'orders.created',        false),
  row('pending_payment', 'paid',            'pay',             ['provider'],       'orders.paid',           false),
  row('pending_payment', 'cancelled',       'cancel',          ['owner', 'admin'], 'orders.cancelled',      true),
  row('pending_payment', 'cancelled',       'fail_payment',    ['provider'],       'orders.payment_failed', true),
  row('paid',            'shipped',         'ship',            ['admin'],          'orders.shipped',        false),
  row('paid',            'refunding',       'cancel',          ['admin'],          null,                    false),
  row('refunding',       'cancelled',       'refund',          ['provider'],       'orders.cancelled',      true),
  row('refunding',       'paid',            'refund_failed',   ['provider'],       null,                    false),
  row('shipped',         'delivered',       'deliver',         ['admin'],          'orders.delivered',      false),
  ...ARCHIVABLE.map((from) =>
    row(from,            'archived',        'delete_customer', ['owner', 'admin'], null,                    UNPAID.includes(from))),
]);

type Transition = (typeof TRANSITIONS)[number];

/** The moves of one existing order that write its event: the API's actions and the payment webhooks. */
export type OrderMoveCause = Exclude<Cause, 'place' | 'delete_customer'>;

/**
 * The event details (the payload without orderId, userId, sequence) of the event a cause writes; undefined for a
 * cause that writes none (refund_failed). `cancel` writes orders.cancelled from pending_payment and nothing from paid
 * (that move only starts the refund), so its details are given and used when the move writes the event.
 */
export type DetailsOf<C extends OrderMoveCause> = [EventOf<C>] extends [never]
  ? undefined
  : Omit<OrderEventPayloads[EventOf<C>], keyof OrderEventBase>;
type EventOf<C extends OrderMoveCause> = NonNullable<Extract<Transition, { cause: C }>['event']>;

/** A row of the table with its cause known to be C. */
type TransitionBy<C extends Cause> = Transition & { readonly cause: C };

function transitionFor<C extends Cause>(from: OrderStatus | null, cause: C): TransitionBy<C> | undefined {
  return TRANSITIONS.find((t): t is TransitionBy<C> => t.from === from && t.cause === cause);
}

/** The statuses an order can reach from `from` by moves that write no event (`from` itself included). */
function silentlyReachable(from: OrderStatus | null): Set<OrderStatus | null> {
  const reached = new Set<OrderStatus | null>([from]);
  for (const status of reached) {
    for (const t of TRANSITIONS) if (t.from === status && t.event === null) reached.add(t.to);
  }
  return reached;
}

/**
 * Whether an event can take an order from one status to another (`from` null: an order not yet known): a move of the
 * table that writes an event, after any moves that write none. The order-tracking projection judges the events it
 * replays by this, as it never sees the in-between states (none -> pending_payment is placing: paying, then accepted;
 * paid -> cancelled is refunding, then refunded).
 */
export function canTransition(from: OrderStatus | null, to: OrderStatus): boolean {
  const before = silentlyReachable(from);
  return TRANSITIONS.some((t) => t.event !== null && t.to === to && before.has(t.from));
}

function statusAfterEvents(): Record<OrderEventType, OrderStatus> {
  const after = {} as Record<OrderEventType, OrderStatus>;
  for (const type of ORDER_EVENT_TYPES) {
    const transition = TRANSITIONS.find((t) => t.event === type);
    if (!transition) throw new Error(`no transition of the order state machine writes ${type}`);
    after[type] = transition.to;
  }
  return after;
}

/** The status each order event leaves its order in (the order-tracking projection replays events by it). */
export const STATUS_AFTER_EVENT: Readonly<Record<OrderEventType, OrderStatus>> = Object.freeze(statusAfterEvents());

/** The columns of an order that moves read and write (orders.ts's OrderRow adds what the order holds). */
export interface OrderState {
  id: string;
  user_id: string | null;
  status: OrderStatus;
  payment_method: string | null;
  /** When the call to the provider of an in-between state (paying, refunding) started; recovery's clock. */
  provider_call_at: Date | null;
  payment_intent_id: string | null;
  payment_status: string | null;
  carrier: string | null;
  tracking_number: string | null;
  paid_at: Date | null;
  shipped_at: Date | null;
  delivered_at: Date | null;
  cancelled_at: Date | null;
  cancel_reason: CancelReason | null;
  refunded_at: Date | null;
  /** The placement's correlation id (its POST /api/orders): what the provider's events about the order are caused by. */
  correlation_id: string | null;
}

/** A move the table allows for this order and actor; writeMove takes nothing else, so no write skips the check. */
export interface Move<C extends OrderMoveCause, R extends OrderState = OrderState> {
  readonly order: R;
  readonly transition: TransitionBy<C>;
}

/** The move, or undefined when the table has none from the order's status for this cause and actor. */
export function findMove<C extends OrderMoveCause, R extends OrderState>(order: R, cause: C, actor: Actor): Move<C, R> | undefined {
  const transition = transitionFor(order.status, cause);
  return transition?.by.includes(actor) ? { order, transition } : undefined;
}

/**
 * The move, or why not: INVALID_STATUS_TRANSITION when the table has no such move from the order's status (whoever
 * asks), FORBIDDEN when it has one but not for this actor (the owner cancelling a paid order).
 */
export function checkMove<C extends OrderMoveCause, R extends OrderState>(order: R, cause: C, actor: Actor): Move<C, R> {
  const transition = transitionFor(order.status, cause);
  if (!transition) throw invalidStatusTransition(order.status, TRANSITIONS.find((t) => t.cause === cause)!.to);
  if (!transition.by.includes(actor)) throw forbidden();
  return { order, transition };
}

/** The timestamp column a status sets when an order moves into it. */
const STAMPED_AT: Partial<Record<OrderStatus, 'paid_at' | 'shipped_at' | 'delivered_at' | 'cancelled_at'>> = {
  paid: 'paid_at',
  shipped: 'shipped_at',
  delivered: 'delivered_at',
  cancelled: 'cancelled_at',
};

/** A change's value that sets a timestamp to the transaction's time, the same instant as the status's own. */
export const NOW = Symbol('now()');

/** What a move sets besides the status and its timestamp. */
export type Changes = {
  [K in 'payment_intent_id' | 'payment_status' | 'carrier' | 'tracking_number']?: string | null;
} & { cancel_reason?: CancelReason | null; refunded_at?: typeof NOW; provider_call_at?: typeof NOW | null };

/** Puts an order's reserved stock back, announced by products.changed under the move's correlation id. */
async function releaseStock(client: PoolClient, orderId: string, correlationId: string): Promise<void> {
  await client.query(
    `UPDATE products p SET stock = p.stock + i.quantity, updated_at = now()
       FROM order_items i WHERE i.order_id = $1 AND p.id = i.product_id`,
    [orderId],
  );
  await enqueueProductChanges(client, await productsOfOrder(client, orderId), 'stock', correlationId);
}

/**
 * Makes a checked move of one order, whose row the caller's transaction has locked: the status, its timestamp and the
 * changes, guarded on the status the move was checked from; the reserved stock back if the move releases it; the
 * audit entry (and a refund's, when it sets refunded_at) by `by`'s actor; and the move's event in the outbox with the
 * order's next sequence and `by`'s correlation id. `details` builds the event from the order as written and the time
 * of the move.
 */
export async function writeMove<C extends OrderMoveCause>(
  client: PoolClient,
  move: Move<C>,
  by: Attribution,
  changes: Changes,
  details: (after: OrderState, at: Date) => DetailsOf<C>,
): Promise<void> {
  const { order, transition } = move;
  const params: unknown[] = [order.id, order.status, transition.to];
  const sets = ['status = $3'];
  const columns = ['status'];
  const stamp = STAMPED_AT[transition.to];
  if (stamp) {
    sets.push(`${stamp} = now()`);
    columns.push(stamp);
  }
  // The column names come from the Changes type, never from input.
  for (const [column, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    sets.push(`${column} = ${value === NOW ? 'now()' : `$${params.push(value)}`}`);
    columns.push(column);
  }
  const { rows } = await client.query<OrderState & { moved_at: Date }>(
    `UPDATE orders SET ${sets.join(', ')} WHERE id = $1 AND status = $2 RETURNING *, now() AS moved_at`,
    params,
  );
  // The caller holds the row's lock and checked the move from the status it read, so only a bug gets here.
  if (!rows[0]) throw new Error(`order ${order.id} is no longer ${order.status}`);
  if (transition.releasesStock) await releaseStock(client, order.id, by.correlationId);
  await auditMove(client, by, order, rows[0], columns);
  if (transition.event === null) return;
  await appendOrderEvent(
    client,
    // The row's event is EventOf<C>, the event DetailsOf<C> describes; TypeScript cannot follow the row to its cause.
    transition.event as EventOf<C>,
    { id: order.id, userId: order.user_id! },
    by.correlationId,
    details(rows[0], rows[0].moved_at) as Omit<OrderEventPayloads[EventOf<C>], keyof OrderEventBase>,
  );
}

/** What a new order holds (money as decimal strings); its status is where the table's `place` move leads. */
export interface NewOrder {
  userId: string;
  /** Kept so that recovery can ask the provider again with the very same charge (same key, same parameters). */
  paymentMethod: string;
  subtotal: string;
  discountTotal: string;
  discountCode: string | null;
  shippingCost: string;
  total: string;
  shippingAddress: ShippingAddress;
  idempotencyKey: string | null;
  /** The placement request's correlation id, for the provider's metadata (and so its webhooks' events). */
  correlationId: string;
}

/**
 * The order row of a placement (step 1 of the saga), `paying` from the start, with provider_call_at: the charge is
 * about to start. orders.created follows once the provider takes the payment.
 */
export async function createOrder(client: PoolClient, order: NewOrder): Promise<string> {
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO orders (status, user_id, subtotal, discount_total, discount_code, shipping_cost, total, shipping_address,
                         idempotency_key, payment_method, correlation_id, provider_call_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now()) RETURNING id`,
    [
      transitionFor(null, 'place')!.to,
      order.userId,
      order.subtotal,
      order.discountTotal,
      order.discountCode,
      order.shippingCost,
      order.total,
      JSON.stringify(order.shippingAddress),
      order.idempotencyKey,
      order.paymentMethod,
      order.correlationId,
    ],
  );
  return rows[0].id;
}

/**
 * A placement undone because the provider refused it or could not be reached (the saga's compensation): the stock
 * back, the order and its items gone. Not a move of the table, as the order never was for anyone else: no order
 * event (products.changed announces the stock back, as it announced the reservation).
 * The caller holds its lock and has seen it `paying`.
 */
export async function discardOrder(client: PoolClient, orderId: string, by: Attribution): Promise<void> {
  await releaseStock(client, orderId, by.correlationId);
  await client.query('DELETE FROM orders WHERE id = $1', [orderId]);
}

/**
 * A deleted customer's orders, archived in the deletion's transaction with the user id moved to archived_user_id
 * (who may delete was checked by the route), each with its audit entry by the deleter. An unpaid order (paying or
 * pending_payment) will never be paid by a deleted account, so its reservation goes back to stock; a payment that
 * still succeeds for it is refunded by the webhook.
 */
export async function archiveOrdersOf(client: PoolClient, userId: string, by: Attribution): Promise<void> {
  const moves = TRANSITIONS.filter((t) => t.cause === 'delete_customer');
  const releasing = moves.filter((t) => t.releasesStock).map((t) => t.from);
  // FOR UPDATE waits for a move being written (never for a provider call: none holds the row across one).
  const { rows } = await client.query<{ id: string }>(
    'SELECT id FROM orders WHERE user_id = $1 AND status = ANY($2) FOR UPDATE',
    [userId, releasing],
  );
  for (const { id } of rows) await releaseStock(client, id, by.correlationId);
  const { rows: archived } = await client.query<{ id: string; before: OrderStatus; after: OrderStatus }>(
    `WITH old AS (SELECT id, status FROM orders WHERE user_id = $1 AND status = ANY($2) FOR UPDATE)
     UPDATE orders o SET status = $3, archived_user_id = o.user_id, user_id = NULL FROM old WHERE o.id = old.id
     RETURNING o.id, old.status AS before, o.status AS after`,
    [userId, moves.map((t) => t.from), moves[0].to],
  );
  for (const order of archived) {
    const changes = changesBetween({ status: order.before }, { status: order.after }, ['status']);
    await recordAudit(client, by, { action: 'order.status_changed', entityType: 'order', entityId: order.id, changes });
  }
}
