import { randomUUID } from 'node:crypto';
import { test as base, expect, expectError, env, type Customer, type Order, type OrderPaidPayload, type OrderPaymentFailedPayload, type Product } from '../../fixtures';

/**
 * Every test here gets an order in pending_payment whose provider webhooks are held back, so the
 * test is the only one delivering webhooks for it.
 */
const test = base.extend<{ pending: { customer: Customer; product: Product; order: Order } }>({
  pending: async ({ customer, factory, checkout, payments }, use) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ price: 24.99, stock: 5 }));
    await checkout.cartReadyToOrder(customer, [{ product: products[0], quantity: 2 }]);
    const order = await checkout.placeOrder(customer, { paymentMethod: await payments.succeedingWithoutWebhooks() });
    await use({ customer, product: products[0], order });
  },
});

test.describe('payment webhooks', { tag: ['@webhooks', '@payments', '@api', '@security'] }, () => {
  test('payment_intent.succeeded makes the order paid with paidAt and publishes orders.paid', async ({ pending, webhooks, events, checkout, db }) => {
    const event = webhooks.succeeded(pending.order);

    const { response } = await webhooks.send(event);

    await expect(response).toHaveStatus(200);
    expect(await response.json()).toEqual({ received: true });
    const order = await checkout.order(pending.order.id);
    expect(order.status).toBe('paid');
    expect(order.paidAt).not.toBeNull();
    const paid = await events.waitFor<OrderPaidPayload>('orders.paid', { orderId: order.id });
    expect(paid.envelope.payload).toEqual({
      orderId: order.id,
      userId: pending.customer.user.id,
      sequence: 2,
      paymentIntentId: pending.order.payment?.intentId,
      amount: order.total,
      currency: 'USD',
      paidAt: expect.any(String),
    });
    expect(Date.parse(paid.envelope.payload.paidAt)).toBe(Date.parse(order.paidAt ?? ''));
    expect(await db.webhookEvents(event.id)).toEqual([expect.objectContaining({ eventId: event.id, type: 'payment_intent.succeeded' })]);
  });

  test('a body changed after signing is 401 INVALID_SIGNATURE, and nothing happens', async ({ pending, webhooks, events, checkout, db }) => {
    const event = webhooks.succeeded(pending.order);

    const { response } = await webhooks.sendTampered(event);

    await expectError(response, 401, 'INVALID_SIGNATURE');
    expect((await checkout.order(pending.order.id)).status).toBe('pending_payment');
    expect(await db.webhookEvents(event.id)).toEqual([]);
    await expect(events).not.toHavePublished('orders.paid', { orderId: pending.order.id });
  });

  test('a signature made with another secret, or none at all, is 401 INVALID_SIGNATURE', async ({ pending, webhooks, checkout }) => {
    await test.step('another secret', async () => {
      await expectError((await webhooks.sendWithWrongSecret(webhooks.succeeded(pending.order))).response, 401, 'INVALID_SIGNATURE');
    });

    await test.step('no Stripe-Signature header', async () => {
      await expectError(await webhooks.sendUnsigned(webhooks.succeeded(pending.order)), 401, 'INVALID_SIGNATURE');
    });

    await test.step('a header that is not a signature', async () => {
      await expectError(await webhooks.deliver({ payload: JSON.stringify(webhooks.succeeded(pending.order)), signature: 'garbage' }), 401, 'INVALID_SIGNATURE');
    });

    expect((await checkout.order(pending.order.id)).status).toBe('pending_payment');
  });

  test('a correctly signed webhook older than the tolerance is 401 WEBHOOK_EXPIRED, and nothing happens', async ({ pending, webhooks, checkout, db }) => {
    const event = webhooks.succeeded(pending.order);

    const { response, delivery } = await webhooks.sendExpired(event);

    const error = await expectError(response, 401, 'WEBHOOK_EXPIRED');
    expect(error.message).toBe(`webhook timestamp expired: older than ${env.webhookToleranceSeconds} s`);
    expect(Date.now() / 1000 - delivery.timestamp).toBeGreaterThanOrEqual(360);
    expect((await checkout.order(pending.order.id)).status).toBe('pending_payment');
    expect(await db.webhookEvents(event.id)).toEqual([]);
  });

  test('the same event delivered twice is recorded once: the second answer says duplicate, one orders.paid', async ({ pending, webhooks, events, db }) => {
    const event = webhooks.succeeded(pending.order);

    const [first, second] = await webhooks.sendTwice(event);

    expect(await first.response.json()).toEqual({ received: true });
    await expect(second.response).toHaveStatus(200);
    expect(await second.response.json()).toEqual({ received: true, duplicate: true });
    expect(await db.webhookEvents(event.id)).toHaveLength(1);
    await events.waitFor('orders.paid', { orderId: pending.order.id });
    const proof = await events.publishedAfterFlush('orders.paid', { orderId: pending.order.id });
    expect(proof.found, 'one orders.paid, read to the end of the topic').toHaveLength(1);
  });

  test('payment_intent.payment_failed cancels the order, releases its stock, publishes orders.payment_failed and mails the customer', async ({ pending, webhooks, events, checkout, mailbox }) => {
    expect(await checkout.stock(pending.product)).toBe(3);
    const event = webhooks.paymentFailed(pending.order, { declineCode: 'insufficient_funds', message: 'Your card has insufficient funds.' });

    const { response } = await webhooks.send(event);

    await expect(response).toHaveStatus(200);
    const order = await checkout.order(pending.order.id);
    expect(order).toMatchObject({ status: 'cancelled', cancelReason: 'payment_failed' });
    expect(order.cancelledAt).not.toBeNull();
    expect(await checkout.stock(pending.product)).toBe(5);
    const failed = await events.waitFor<OrderPaymentFailedPayload>('orders.payment_failed', { orderId: order.id });
    expect(failed.envelope.payload).toMatchObject({ userId: pending.customer.user.id, sequence: 2, paymentIntentId: pending.order.payment?.intentId });
    expect(failed.envelope.payload.reason).toContain('insufficient funds');
    const mail = await mailbox.waitForEmail({ to: pending.customer.email, subject: `Payment failed for order ${order.id}` });
    expect(mail).toBeOrderMail('payment_failed', order, { reason: failed.envelope.payload.reason });
  });

  test('for an order already paid, another succeeded event or a payment_failed is recorded and ignored', async ({ pending, webhooks, events, checkout, db }) => {
    await expect((await webhooks.send(webhooks.succeeded(pending.order))).response).toHaveStatus(200);
    await events.waitFor('orders.paid', { orderId: pending.order.id });
    const paidAt = (await checkout.order(pending.order.id)).paidAt;
    const again = webhooks.succeeded(pending.order);
    const failed = webhooks.paymentFailed(pending.order);

    await expect((await webhooks.send(again)).response).toHaveStatus(200);
    await expect((await webhooks.send(failed)).response).toHaveStatus(200);

    expect(await db.webhookEvents(again.id)).toHaveLength(1);
    expect(await db.webhookEvents(failed.id)).toHaveLength(1);
    expect(await checkout.order(pending.order.id)).toMatchObject({ status: 'paid', paidAt });
    expect(await checkout.stock(pending.product), 'the stock stays reserved').toBe(3);
    expect((await events.publishedAfterFlush('orders.paid', { orderId: pending.order.id })).found).toHaveLength(1);
    await expect(events).not.toHavePublished('orders.payment_failed', { orderId: pending.order.id });
  });

  test('an event type the shop does not handle is recorded and ignored', async ({ pending, webhooks, checkout, db }) => {
    const event = webhooks.event('payment_intent.created', webhooks.paymentIntent(pending.order, { status: 'requires_confirmation' }));

    const { response } = await webhooks.send(event);

    await expect(response).toHaveStatus(200);
    expect(await db.webhookEvents(event.id)).toEqual([expect.objectContaining({ type: 'payment_intent.created' })]);
    expect((await checkout.order(pending.order.id)).status).toBe('pending_payment');
  });

  test('payment_failed for an order that no longer exists is recorded and ignored', async ({ webhooks, db }) => {
    const event = webhooks.paymentFailed({ id: randomUUID(), total: 10 });

    const { response } = await webhooks.send(event);

    await expect(response).toHaveStatus(200);
    expect(await db.webhookEvents(event.id)).toHaveLength(1);
  });
});

test.describe('payment webhooks and correlation ids', { tag: ['@webhooks', '@payments', '@api'] }, () => {
  test('the placement’s correlation id goes to the provider in the intent’s metadata, and its webhook’s orders.paid and audit row carry it back', async ({
    pending,
    webhooks,
    payments,
    events,
    db,
  }) => {
    const created = await events.waitFor('orders.created', { orderId: pending.order.id });
    const placement = created.envelope.correlationId;
    const intent = await payments.paymentIntent(pending.order.payment?.intentId ?? '');
    expect(intent.metadata).toEqual({ orderId: pending.order.id, correlationId: placement });

    const { response } = await webhooks.send(webhooks.succeeded(pending.order, { metadata: intent.metadata }));

    await expect(response).toHaveStatus(200);
    const webhookRequest = response.headers()['x-correlation-id'];
    expect(webhookRequest, 'the webhook’s own request has an id of its own').not.toBe(placement);
    const paid = await events.waitFor('orders.paid', { orderId: pending.order.id });
    expect(paid.envelope.correlationId).toBe(placement);
    expect(paid.headers['correlation-id']).toBe(placement);
    const moves = (await db.auditRowsFor(pending.order.id, 'order.status_changed')).filter((row) => row.changes.status?.after === 'paid');
    expect(moves.map((row) => ({ actorKind: row.actorKind, correlationId: row.correlationId }))).toEqual([{ actorKind: 'system', correlationId: placement }]);
    expect(await db.auditRowsCorrelated(webhookRequest), 'nothing is written under the webhook request’s id').toEqual([]);
  });

  for (const [name, metadata] of [
    ['no correlation id', {}],
    ['a correlation id that is not a UUID', { correlationId: "x'); DROP TABLE orders; --" }],
  ] as const) {
    test(`an intent whose metadata has ${name}: orders.paid carries the webhook request’s own id`, async ({ pending, webhooks, events }) => {
      const { response } = await webhooks.send(webhooks.succeeded(pending.order, { metadata: { orderId: pending.order.id, ...metadata } }));

      await expect(response).toHaveStatus(200);
      const paid = await events.waitFor('orders.paid', { orderId: pending.order.id });
      expect(paid.envelope.correlationId).toBe(response.headers()['x-correlation-id']);
    });
  }
});
