import { randomUUID } from 'node:crypto';
import { test, expect, cents, type Order } from '../../fixtures';

/**
 * A payment the provider reports as succeeded when the shop has no order left to fulfil for it: the
 * customer cancelled the order while the payment went through, or the order never existed. The
 * provider's webhooks of these orders are held back, so each test is the only sender of them.
 */
test.describe('a payment that succeeds too late', () => {
  test('a pending order the customer cancelled is paid after all: refunded in full, still cancelled with refundedAt, no orders.paid', async ({
    customer,
    factory,
    checkout,
    payments,
    webhooks,
    events,
    db,
  }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ price: 18.5, stock: 4 }));
    await checkout.cartReadyToOrder(customer, [{ product: products[0], quantity: 3 }]);
    const paymentMethod = await payments.succeedingWithoutWebhooks();
    const placed = await checkout.placeOrder(customer, { paymentMethod });
    const intentId = placed.payment?.intentId ?? '';
    expect(intentId, 'the gateway charged and the order names its intent').toMatch(/^pi_/);

    await test.step('the customer cancels the pending order: its stock is released, nothing is refunded yet', async () => {
      const response = await customer.api.cancelOrder(placed.id);
      await expect(response).toHaveStatus(200);
      expect(((await response.json()) as Order).refundedAt).toBeNull();
      expect(await checkout.stock(products[0])).toBe(4);
    });

    const event = webhooks.succeeded(placed);
    const { response } = await webhooks.send(event);

    await test.step('200, the event recorded', async () => {
      await expect(response).toHaveStatus(200);
      expect(await response.json()).toEqual({ received: true });
      expect(await db.webhookEvents(event.id)).toHaveLength(1);
    });

    const refunded = await test.step('the order stays cancelled, with refundedAt, and its stock stays released', async () => {
      const order = await checkout.order(placed.id, customer.api);
      expect(order).toMatchObject({ status: 'cancelled', cancelReason: 'customer_request', paidAt: null, payment: { intentId, status: 'refunded' } });
      expect(Date.parse(order.refundedAt ?? ''), 'refundedAt is a time, after the cancel').toBeGreaterThanOrEqual(Date.parse(order.cancelledAt ?? ''));
      expect(await checkout.stock(products[0])).toBe(4);
      return order;
    });

    await test.step('the provider shows the whole payment refunded', async () => {
      const intent = await payments.paymentIntent(intentId);
      expect(intent.amount).toBe(cents(placed.total));
      expect(intent.amount_refunded, 'amount_refunded equals the amount charged').toBe(intent.amount);
    });

    await test.step('no orders.paid for the order', async () => {
      await expect(events).not.toHavePublished('orders.paid', { orderId: placed.id });
    });

    await test.step('the provider retrying the event, or another success event, refunds nothing more', async () => {
      const retried = (await webhooks.send(event)).response;
      expect(await retried.json()).toEqual({ received: true, duplicate: true });
      await expect((await webhooks.send(webhooks.succeeded(placed))).response).toHaveStatus(200);
      const refunds = (await payments.calls(paymentMethod)).filter((call) => call.method === 'POST' && call.path === '/v1/refunds');
      expect(refunds, JSON.stringify(refunds)).toEqual([expect.objectContaining({ idempotencyKey: `refund-${intentId}`, status: 200 })]);
      expect((await payments.paymentIntent(intentId)).amount_refunded).toBe(cents(placed.total));
      expect((await checkout.order(placed.id)).refundedAt).toBe(refunded.refundedAt);
    });
  });

  test('payment_intent.succeeded for an order id and an intent id nobody knows is answered 200 and changes nothing', async ({ webhooks, events, db }) => {
    const orderId = randomUUID();
    const event = webhooks.succeeded({ id: orderId, total: 42.5 });

    const { response } = await webhooks.send(event);

    await expect(response).toHaveStatus(200);
    expect(await response.json()).toEqual({ received: true });
    expect(await db.webhookEvents(event.id), 'recorded, so a redelivery is a duplicate').toHaveLength(1);
    expect(await db.orderById(orderId)).toBeUndefined();
    expect(await db.outboxRowsFor(orderId)).toEqual([]);
    await expect(events).not.toHavePublished('orders.paid', { orderId });
  });
});
