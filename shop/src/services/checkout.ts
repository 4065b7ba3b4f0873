import type { Pool, PoolClient } from 'pg';
import type { Origin } from '../origin';
import { inTransaction } from '../db';
import { cartEmpty, invalidProduct, invalidStatusTransition, outOfStock, shippingAddressRequired } from '../errors';
import { centsToDecimal } from '../money';
import type * as Http from '../../../contracts/http';
import { textProblem, type InputCheck } from '../validation';
import { lockCart, readCart, shortItem } from './cart';
import { appendOrderEvent } from './orderEvents';
import { findOrderRow, getOrderFor, type Order } from './orders';
import { assertTransition, createOrder, discardOrder } from './orderTransitions';
import type { Payments } from './payments';
import { price, type ShippingRates } from './pricing';
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

interface Reservation {
  orderId: string;
  totalCents: number;
}

/**
 * Placing an order is a saga (docs/API.md, "Orders"): reserve (order + stock) in one transaction, pay through the
 * provider, then either record the payment or compensate. One customer's placements run one at a time (a session
 * advisory lock), so a double submit cannot order one cart twice, and a replayed Idempotency-Key finds the order the
 * first request made. The order row stays locked while the provider is called, so a webhook or a cancel that arrives
 * meanwhile waits for the outcome instead of racing it.
 */
export class Checkout {
  constructor(
    private readonly pool: Pool,
    private readonly payments: Payments,
    private readonly rates: ShippingRates,
  ) {}

  /** The order and whether this call made it (false: an earlier call with the same Idempotency-Key did). */
  async placeOrder(user: User, request: PlaceOrderRequest, origin: Origin): Promise<{ order: Order; created: boolean }> {
    return this.oneAtATimeFor(user.id, async (client) => {
      if (request.idempotencyKey !== undefined) {
        const { rows } = await client.query<{ id: string }>(
          'SELECT id FROM orders WHERE user_id = $1 AND idempotency_key = $2',
          [user.id, request.idempotencyKey],
        );
        if (rows[0]) return { order: await getOrderFor(client, user, rows[0].id), created: false };
      }
      const reservation = await this.reserve(client, user.id, request.idempotencyKey);
      const order = await this.pay(client, user, reservation, request.paymentMethod, origin);
      return { order, created: true };
    });
  }

  private async oneAtATimeFor<T>(userId: string, work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let unlocked = false;
    try {
      await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [PLACEMENT_LOCK_CLASS, userId]);
      try {
        return await work(client);
      } finally {
        await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [PLACEMENT_LOCK_CLASS, userId]);
        unlocked = true;
      }
    } finally {
      // A connection that may still hold the lock is closed rather than returned to the pool.
      client.release(!unlocked);
    }
  }

  /** Step 1, one transaction: the order and its items in pending_payment, and the stock reserved with guarded updates. */
  private async reserve(client: PoolClient, userId: string, idempotencyKey: string | undefined): Promise<Reservation> {
    return inTransaction(client, () => this.reserveInTransaction(client, userId, idempotencyKey));
  }

  private async reserveInTransaction(
    client: PoolClient,
    userId: string,
    idempotencyKey: string | undefined,
  ): Promise<Reservation> {
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
      subtotal: centsToDecimal(pricing.subtotalCents),
      discountTotal: centsToDecimal(pricing.discount?.cents ?? 0),
      discountCode: pricing.discount?.code ?? null,
      shippingCost: centsToDecimal(pricing.shippingCents ?? 0),
      total: centsToDecimal(pricing.totalCents),
      shippingAddress: cart.address,
      idempotencyKey: idempotencyKey ?? null,
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
    return { orderId, totalCents: pricing.totalCents };
  }

  /** Steps 2–4: charge, then record the payment (and orders.created) or compensate, all under the order's lock. */
  private async pay(
    client: PoolClient,
    user: User,
    reservation: Reservation,
    paymentMethod: string,
    origin: Origin,
  ): Promise<Order> {
    const { orderId } = reservation;
    const outcome = await inTransaction(client, async () => {
      const row = await findOrderRow(client, orderId, { lock: true });
      // Charged only while it can still become paid: an owner's cancel in the instant between the two transactions
      // (or the customer's deletion) has moved it on.
      if (!row) throw invalidStatusTransition('deleted', 'paid');
      assertTransition(row.status, 'paid');
      const charge = await this.payments.charge({ orderId, amountCents: reservation.totalCents, paymentMethod }, origin);
      if (charge.ok) await this.recordPayment(client, user.id, orderId, charge, origin.id);
      else await discardOrder(client, orderId); // step 4: the cart was never touched
      return charge;
    });
    if (!outcome.ok) throw outcome.error;
    return getOrderFor(client, user, orderId);
  }

  /** Step 3: the payment on the order, the cart emptied (its discount code used up), and orders.created. */
  private async recordPayment(
    client: PoolClient,
    userId: string,
    orderId: string,
    charge: { intentId: string; status: string },
    correlationId: string,
  ): Promise<void> {
    await client.query('UPDATE orders SET payment_intent_id = $2, payment_status = $3 WHERE id = $1', [
      orderId,
      charge.intentId,
      charge.status,
    ]);
    await client.query('DELETE FROM cart_items WHERE user_id = $1', [userId]);
    await client.query('UPDATE carts SET discount_code = NULL, updated_at = now() WHERE user_id = $1', [userId]);
    const { rows: order } = await client.query<{
      subtotal: string;
      discount_total: string;
      shipping_cost: string;
      total: string;
    }>('SELECT subtotal, discount_total, shipping_cost, total FROM orders WHERE id = $1', [orderId]);
    const { rows: items } = await client.query<{ product_id: string; quantity: number; unit_price: string }>(
      'SELECT product_id, quantity, unit_price FROM order_items WHERE order_id = $1 ORDER BY position',
      [orderId],
    );
    await appendOrderEvent(client, 'orders.created', { id: orderId, userId }, correlationId, {
      items: items.map((item) => ({ productId: item.product_id, quantity: item.quantity, unitPrice: Number(item.unit_price) })),
      subtotal: Number(order[0].subtotal),
      discountTotal: Number(order[0].discount_total),
      shippingCost: Number(order[0].shipping_cost),
      total: Number(order[0].total),
      currency: 'USD',
    });
  }
}
