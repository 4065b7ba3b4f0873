import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool, PoolClient } from 'pg';
import type { Origin } from '../origin';
import { enqueueProductChanges } from './productEvents';
import { withTransaction } from '../db';
import {
  cartEmpty,
  invalidProduct,
  invalidStatusTransition,
  outOfStock,
  paymentProviderNotCalled,
  shippingAddressRequired,
} from '../errors';
import { centsToDecimal } from '../money';
import type * as Http from '../../../contracts/http';
import { textProblem, type InputCheck } from '../validation';
import { userActor } from './auditLog';
import { lockCart, readCart, shortItem } from './cart';
import { getOrderFor, type Order } from './orders';
import { createOrder } from './orderTransitions';
import type { Payments } from './payments';
import { price, type ShippingRates } from './pricing';
import { settleCharge } from './providerOutcomes';
import type { ProviderRecovery } from './providerRecovery';
import type { User } from './users';

export interface PlaceOrderRequest {
  paymentMethod: string;
  /** The client's Idempotency-Key header: the same key again answers the order it made. */
  idempotencyKey?: string;
}

/** The payment method's length once trimmed (the schemas check that it is there and the Idempotency-Key header). */
export const checkNewOrder: InputCheck<Http.NewOrder> = (order, issues) => {
  issues.check(order, 'paymentMethod', textProblem(1, 255));
};

export const placeOrderOf = (order: Http.NewOrder, idempotencyKey: string | undefined): PlaceOrderRequest => ({
  paymentMethod: order.paymentMethod.trim(),
  idempotencyKey,
});

/** The advisory-lock class of order placement (two-key form, so it cannot collide with the shop's one-key locks). */
const PLACEMENT_LOCK_CLASS = 7_240_004;

/** How often a placement that waits for the customer's earlier one looks again (no connection held meanwhile). */
const WAIT_POLL_MS = 100;

interface Reservation {
  orderId: string;
  totalCents: number;
  paymentMethod: string;
  correlationId: string;
}

/** What the first transaction of a placement found: the order to answer, an earlier placement to wait for, or a reservation. */
type Start =
  | { kind: 'replay'; orderId: string }
  | { kind: 'wait'; orderId: string }
  | { kind: 'reserved'; reservation: Reservation };

/**
 * Placing an order is a saga (docs/API.md, "Orders"): reserve (the order, `paying`, + its stock) in one short
 * transaction, call the provider with no connection or lock held, then settle its answer in a second short
 * transaction (providerOutcomes.ts): record the payment, or compensate. One customer's placements run one at a time:
 * the first transaction takes the customer's advisory lock, and one that finds an earlier placement of theirs still
 * paying waits for it outside any transaction, so a double submit cannot order one cart twice and a replayed
 * Idempotency-Key finds the order the first request made. A webhook that arrives while the order is paying settles
 * it itself (paymentWebhooks.ts); the second transaction then finds it settled and answers it as it is.
 */
export class Checkout {
  constructor(
    private readonly pool: Pool,
    private readonly payments: Payments,
    private readonly rates: ShippingRates,
    private readonly recovery: Pick<ProviderRecovery, 'settleIfStale'>,
  ) {}

  /** The order and whether this call made it (false: an earlier call with the same Idempotency-Key did). */
  async placeOrder(user: User, request: PlaceOrderRequest, origin: Origin): Promise<{ order: Order; created: boolean }> {
    for (;;) {
      const start = await withTransaction(this.pool, (client) => this.start(client, user.id, request, origin.id));
      if (start.kind === 'replay') return { order: await getOrderFor(this.pool, user, start.orderId), created: false };
      if (start.kind === 'reserved') return { order: await this.pay(user, start.reservation, origin), created: true };
      await this.waitWhilePaying(start.orderId);
    }
  }

  /** Step 1, one transaction under the customer's lock: the order the key names, an earlier one still paying, or a new one. */
  private async start(client: PoolClient, userId: string, request: PlaceOrderRequest, correlationId: string): Promise<Start> {
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [PLACEMENT_LOCK_CLASS, userId]);
    const { rows: paying } = await client.query<{ id: string; idempotency_key: string | null }>(
      "SELECT id, idempotency_key FROM orders WHERE user_id = $1 AND status = 'paying' ORDER BY created_at LIMIT 1",
      [userId],
    );
    if (paying[0]) return { kind: 'wait', orderId: paying[0].id };
    if (request.idempotencyKey !== undefined) {
      const { rows } = await client.query<{ id: string }>(
        'SELECT id FROM orders WHERE user_id = $1 AND idempotency_key = $2',
        [userId, request.idempotencyKey],
      );
      if (rows[0]) return { kind: 'replay', orderId: rows[0].id };
    }
    return { kind: 'reserved', reservation: await this.reserve(client, userId, request, correlationId) };
  }

  /**
   * Until the order is no longer paying; one left behind by a shop that died mid-call is settled by recovery here.
   * If recovery cannot ask the provider (its circuit is open), the answer is the 503 a new placement would get.
   */
  private async waitWhilePaying(orderId: string): Promise<void> {
    for (;;) {
      const { rows } = await this.pool.query<{ status: string }>('SELECT status FROM orders WHERE id = $1', [orderId]);
      if (rows[0]?.status !== 'paying') return;
      if ((await this.recovery.settleIfStale(orderId)) === 'left') {
        throw paymentProviderNotCalled(this.payments.policy.retryAfterSeconds());
      }
      await sleep(WAIT_POLL_MS);
    }
  }

  /** The order and its items in `paying`, and the stock reserved with guarded updates (products.changed for each). */
  private async reserve(client: PoolClient, userId: string, request: PlaceOrderRequest, correlationId: string): Promise<Reservation> {
    await lockCart(client, userId);
    const cart = await readCart(client, userId);
    if (cart.lines.length === 0) throw cartEmpty();
    if (!cart.address) throw shippingAddressRequired();
    const gone = cart.lines.filter((line) => line.deleted);
    if (gone.length > 0) {
      throw invalidProduct(gone.map((line) => ({ field: 'items', message: `${line.productId}: no longer exists` })));
    }
    const pricing = price(cart.lines, cart.discount, cart.address, this.rates);
    const orderId = await createOrder(client, {
      userId,
      paymentMethod: request.paymentMethod,
      subtotal: centsToDecimal(pricing.subtotalCents),
      discountTotal: centsToDecimal(pricing.discount?.cents ?? 0),
      discountCode: pricing.discount?.code ?? null,
      shippingCost: centsToDecimal(pricing.shippingCents ?? 0),
      total: centsToDecimal(pricing.totalCents),
      shippingAddress: cart.address,
      idempotencyKey: request.idempotencyKey ?? null,
      correlationId,
    });
    for (const [position, line] of cart.lines.entries()) {
      await client.query(
        `INSERT INTO order_items (order_id, product_id, name, unit_price, quantity, position) VALUES ($1, $2, $3, $4, $5, $6)`,
        [orderId, line.productId, line.name, centsToDecimal(line.unitPriceCents), line.quantity, position],
      );
    }
    const short = [];
    // Products in id order, so two orders of the same products lock them in the same order and never deadlock.
    for (const line of [...cart.lines].sort((a, b) => a.productId.localeCompare(b.productId))) {
      const reserved = await client.query(
        'UPDATE products SET stock = stock - $2, updated_at = now() WHERE id = $1 AND stock >= $2',
        [line.productId, line.quantity],
      );
      if (reserved.rowCount === 0) {
        const { rows: stock } = await client.query<{ stock: number }>('SELECT stock FROM products WHERE id = $1', [
          line.productId,
        ]);
        short.push(shortItem(line.productId, line.quantity, stock[0].stock));
      }
    }
    if (short.length > 0) throw outOfStock(short);
    await enqueueProductChanges(client, cart.lines.map((line) => line.productId), 'stock', correlationId);
    return { orderId, totalCents: pricing.totalCents, paymentMethod: request.paymentMethod, correlationId };
  }

  /**
   * Steps 2–4: the charge, with nothing held; then, in one short transaction, the payment recorded (the cart used up,
   * orders.created) or the reservation compensated. An order settled meanwhile (by its webhook) is answered as it is.
   */
  private async pay(user: User, reservation: Reservation, origin: Origin): Promise<Order> {
    const { orderId, totalCents, paymentMethod, correlationId } = reservation;
    const charge = await this.payments.charge({ orderId, amountCents: totalCents, paymentMethod, correlationId }, origin);
    // The provider's answer to the customer's own call: the customer's move.
    const by = { actor: userActor(user.id), correlationId: origin.id };
    const settled = await withTransaction(this.pool, (client) => settleCharge(client, orderId, charge, by));
    if (settled.outcome === 'discarded') throw charge.ok ? new Error('a successful charge was discarded') : charge.error;
    if (settled.outcome === 'already') {
      const status = settled.order?.status;
      // Gone: its payment_failed webhook discarded it (the charge failed too). Archived: its customer was deleted.
      if (status === undefined || status === 'archived') {
        if (!charge.ok) throw charge.error;
        throw invalidStatusTransition(status ?? 'deleted', 'pending_payment');
      }
    }
    return getOrderFor(this.pool, user, orderId);
  }
}
