import { randomUUID } from 'node:crypto';
import type { APIResponse } from '@playwright/test';
import { test, expect, expectJson, expectError, cents, env, type Checkout, type Customer, type Order, type Payments, type RefundBehavior, type ShopDb, type StripeEvent } from '../../fixtures';

/**
 * A payment the provider reports as succeeded when the shop has no order left to fulfil for it: the
 * customer cancelled the order while the payment went through, deleted their account before it was
 * paid, or the order never existed. The provider's webhooks of these orders are held back, so each
 * test is the only sender of them.
 */
/**
 * The customer's cart ordered and charged with a payment method whose provider webhooks are held back,
 * so the test alone sends them; the order names the intent the gateway charged.
 */
async function placeWithHeldWebhooks(
  { customer, checkout, payments }: { customer: Customer; checkout: Checkout; payments: Payments },
  lines: Parameters<Checkout['cartReadyToOrder']>[1],
  refunds?: RefundBehavior,
): Promise<{ placed: Order; intentId: string; paymentMethod: string }> {
  await checkout.cartReadyToOrder(customer, lines);
  const paymentMethod = await payments.succeedingWithoutWebhooks(refunds);
  const placed = await checkout.placeOrder(customer, { paymentMethod });
  const intentId = placed.payment?.intentId ?? '';
  expect(intentId, 'the gateway charged and the order names its intent').toMatch(/^pi_/);
  return { placed, intentId, paymentMethod };
}

/** The shop answered a provider's event 200 `{ received: true }` and recorded it once. */
async function expectRecorded(response: APIResponse, event: StripeEvent, db: ShopDb): Promise<void> {
  await expect(response).toHaveStatus(200);
  expect(await response.json()).toEqual({ received: true });
  expect(await db.webhookEvents(event.id)).toHaveLength(1);
}

/** The provider holds the order's whole amount as refunded. */
async function expectRefundedInFull(payments: Payments, intentId: string, placed: Order): Promise<void> {
  const charge = await payments.latestCharge(intentId);
  expect(charge.amount).toBe(cents(placed.total));
  expect(charge.amount_refunded, "the charge's amount_refunded equals the amount charged").toBe(charge.amount);
}

test.describe('a payment that succeeds too late', { tag: ['@payments', '@orders', '@api', '@failure'] }, () => {
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
    const { placed, intentId, paymentMethod } = await placeWithHeldWebhooks({ customer, checkout, payments }, [{ product: products[0], quantity: 3 }]);

    await test.step('the customer cancels the pending order: its stock is released, nothing is refunded yet', async () => {
      const response = await customer.api.cancelOrder(placed.id);
      await expect(response).toHaveStatus(200);
      expect((await expectJson(response)).refundedAt).toBeNull();
      expect(await checkout.stock(products[0])).toBe(4);
    });

    const event = webhooks.succeeded(placed);
    const { response } = await webhooks.send(event);

    await test.step('200, the event recorded', () => expectRecorded(response, event, db));

    const refunded = await test.step('the order stays cancelled, with refundedAt, and its stock stays released', async () => {
      const order = await checkout.order(placed.id, customer.api);
      expect(order).toMatchObject({ status: 'cancelled', cancelReason: 'customer_request', paidAt: null, payment: { intentId, status: 'refunded' } });
      expect(Date.parse(order.refundedAt ?? ''), 'refundedAt is a time, after the cancel').toBeGreaterThanOrEqual(Date.parse(order.cancelledAt ?? ''));
      expect(await checkout.stock(products[0])).toBe(4);
      return order;
    });

    await test.step('the provider shows the whole payment refunded', () => expectRefundedInFull(payments, intentId, placed));

    await test.step('no orders.paid for the order', async () => {
      await expect(events).not.toHavePublished('orders.paid', { orderId: placed.id });
    });

    await test.step('the provider retrying the event, or another success event, refunds nothing more', async () => {
      const retried = (await webhooks.send(event)).response;
      expect(await retried.json()).toEqual({ received: true, duplicate: true });
      await expect((await webhooks.send(webhooks.succeeded(placed))).response).toHaveStatus(200);
      const refunds = await payments.refundCalls(paymentMethod);
      expect(refunds, JSON.stringify(refunds)).toEqual([expect.objectContaining({ idempotencyKey: `refund-${intentId}`, status: 200 })]);
      expect((await payments.latestCharge(intentId)).amount_refunded).toBe(cents(placed.total));
      expect((await checkout.order(placed.id)).refundedAt).toBe(refunded.refundedAt);
    });
  });

  test('a refund the provider does not take is 502 PAYMENT_PROVIDER_UNAVAILABLE and leaves the event unrecorded; the provider retrying it refunds once', async ({
    customer,
    factory,
    checkout,
    payments,
    webhooks,
    db,
  }) => {
    // One shop refund is 1 + STRIPE_MAX_NETWORK_RETRIES calls with the same key: failing that many makes it fail once.
    const callsPerRefund = env.stripeMaxNetworkRetries + 1;
    const { products } = await factory.productsInOwnCategory(1, () => ({ price: 24.4, stock: 3 }));
    const { placed, intentId, paymentMethod } = await placeWithHeldWebhooks({ customer, checkout, payments }, [{ product: products[0], quantity: 2 }], { failures: callsPerRefund });

    const cancelled = await test.step('the customer cancels the pending order', async () => {
      const response = await customer.api.cancelOrder(placed.id);
      await expect(response).toHaveStatus(200);
      return await expectJson(response);
    });

    const event = webhooks.succeeded(placed);

    await test.step('the refund fails after the SDK’s retries: 502 PAYMENT_PROVIDER_UNAVAILABLE, the event not recorded, the order as it was', async () => {
      const { response } = await webhooks.send(event);
      const error = await expectError(response, 502, 'PAYMENT_PROVIDER_UNAVAILABLE');
      expect(error.message).toBe('The payment provider did not answer; nothing was refunded');
      expect(await db.webhookEvents(event.id), 'not recorded, so the provider’s retry is handled anew').toEqual([]);
      expect(await db.orderById(placed.id)).toMatchObject({ status: 'cancelled', refundedAt: null });
      expect(await checkout.order(placed.id, customer.api)).toEqual(cancelled);
      expect((await payments.latestCharge(intentId)).amount_refunded, 'nothing refunded at the provider').toBe(0);
      const refunds = await payments.refundCalls(paymentMethod);
      expect(refunds, JSON.stringify(refunds)).toEqual(
        Array.from({ length: callsPerRefund }, () => expect.objectContaining({ idempotencyKey: `refund-${intentId}`, status: 503 })),
      );
    });

    await test.step('the provider retries the same event: 200, refunded in full once, refundedAt set, the event recorded once', async () => {
      const { response } = await webhooks.send(event);
      await expectRecorded(response, event, db);
      await expectRefundedInFull(payments, intentId, placed);
      const refunds = await payments.refundCalls(paymentMethod);
      expect(refunds.map((call) => [call.idempotencyKey, call.status, call.replayed])).toEqual([
        ...Array.from({ length: callsPerRefund }, () => [`refund-${intentId}`, 503, false]),
        [`refund-${intentId}`, 200, false],
      ]);

      const order = await checkout.order(placed.id, customer.api);
      expect(order).toMatchObject({ status: 'cancelled', cancelReason: 'customer_request', paidAt: null, payment: { intentId, status: 'refunded' } });
      expect(Date.parse(order.refundedAt ?? ''), 'refundedAt is a time, after the cancel').toBeGreaterThanOrEqual(Date.parse(order.cancelledAt ?? ''));
      expect((await db.orderById(placed.id))?.refundedAt?.toISOString()).toBe(order.refundedAt);
    });
  });

  test('an unpaid order archived because its customer deleted their account is paid after all: refunded in full, still archived with refundedAt', async ({
    customer,
    factory,
    checkout,
    payments,
    webhooks,
    events,
    db,
  }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ price: 31.25, stock: 5 }));
    const { placed, intentId, paymentMethod } = await placeWithHeldWebhooks({ customer, checkout, payments }, [{ product: products[0], quantity: 2 }]);

    await test.step('the order reserved 2 of the 5 in stock', async () => {
      expect((await db.productById(products[0].id))?.stock).toBe(3);
    });

    await test.step('the customer deletes their account: the pending order is archived, never paid, and its stock released', async () => {
      await expect(await customer.api.deleteUser(customer.user.id)).toHaveStatus(204);
      expect(await db.orderById(placed.id)).toMatchObject({
        status: 'archived',
        userId: null,
        archivedUserId: customer.user.id,
        paidAt: null,
        refundedAt: null,
      });
      expect((await db.productById(products[0].id))?.stock).toBe(5);
    });

    const event = webhooks.succeeded(placed);
    const { response } = await webhooks.send(event);

    await test.step('200, the event recorded', () => expectRecorded(response, event, db));

    await test.step('the provider shows the whole payment refunded, by one refund keyed by the intent', async () => {
      await expectRefundedInFull(payments, intentId, placed);
      const refunds = await payments.refundCalls(paymentMethod);
      expect(refunds, JSON.stringify(refunds)).toEqual([expect.objectContaining({ idempotencyKey: `refund-${intentId}`, status: 200 })]);
    });

    await test.step('the order stays archived and unpaid, with refundedAt; the admin API reads the same', async () => {
      const row = await db.orderById(placed.id);
      expect(row).toMatchObject({ status: 'archived', userId: null, archivedUserId: customer.user.id, paidAt: null, paymentStatus: 'refunded' });
      expect(row?.refundedAt, 'refundedAt is set').toBeInstanceOf(Date);
      expect(row!.refundedAt!.getTime(), 'refundedAt is after the order was placed').toBeGreaterThanOrEqual(Date.parse(placed.createdAt));
      expect(await checkout.order(placed.id)).toMatchObject({
        status: 'archived',
        userId: null,
        paidAt: null,
        refundedAt: row!.refundedAt!.toISOString(),
        payment: { intentId, status: 'refunded' },
      });
    });

    await test.step('no orders.paid for the order', async () => {
      await expect(events).not.toHavePublished('orders.paid', { orderId: placed.id });
    });
  });

  test('a paid order archived because its customer deleted their account keeps its payment: another success event refunds nothing', async ({
    customer,
    factory,
    checkout,
    payments,
    webhooks,
    db,
  }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ price: 12.75, stock: 5 }));
    const { placed, intentId, paymentMethod } = await placeWithHeldWebhooks({ customer, checkout, payments }, [{ product: products[0], quantity: 1 }]);

    await test.step('the payment’s success event makes the order paid; then the customer deletes their account', async () => {
      await expect((await webhooks.send(webhooks.succeeded(placed))).response).toHaveStatus(200);
      await expect(checkout.ref(placed)).toHaveStatus('paid');
      await expect(await customer.api.deleteUser(customer.user.id)).toHaveStatus(204);
      expect(await db.orderById(placed.id)).toMatchObject({ status: 'archived', paidAt: expect.any(Date), refundedAt: null });
    });

    const event = webhooks.succeeded(placed);
    const { response } = await webhooks.send(event);

    await expectRecorded(response, event, db);
    expect(await payments.refundCalls(paymentMethod), 'no refund asked of the provider').toEqual([]);
    expect((await payments.latestCharge(intentId)).amount_refunded).toBe(0);
    expect(await db.orderById(placed.id)).toMatchObject({ status: 'archived', paymentStatus: 'succeeded', refundedAt: null });
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
