import { randomUUID } from 'node:crypto';
import type { APIRequestContext } from '@playwright/test';
import {
  test as isolatedTest,
  expect,
  orderMailSubject,
  type Customer,
  type IsolatedStack,
  type Order,
  type WebhookDeliveryAttempt,
} from '../../fixtures';

/** The slow charge: in flight when the shop dies, taken by the provider while it is down. */
const SLOW_CHARGE_MS = 3_000;
/** How much later the delayed method's webhook goes: after the kill, so it finds the shop down. */
const WEBHOOK_DELAY_MS = 6_000;
/** The gateway retries a failed delivery every 2 s for 80 s: longer than the shop takes to come back after kill -9. */
const WEBHOOK_RETRY_DELAYS_MS = Array(40).fill(2_000).join(',');
/** The shop's restart after kill -9 (its consumers rejoin their groups) and the settling that follows. */
const AFTER_RESTART_MS = 90_000;

/** The stack's gateway test API as the shop's account (the fixture lists deliveries per intent only; this test needs them all). */
const test = isolatedTest.extend<{ gatewayApi: APIRequestContext }>({
  gatewayApi: async ({ playwright, isolatedEnvironment: stack }, use) => {
    const gateway = await playwright.request.newContext({
      baseURL: stack.addresses.gatewayUrl,
      extraHTTPHeaders: { authorization: `Bearer ${stack.addresses.stripeSecretKey}` },
    });
    await use(gateway);
    await gateway.dispose();
  },
});

test.use({
  isolatedOptions: {
    gateway: { env: { WEBHOOK_RETRY_DELAYS_MS } },
    shop: {
      env: {
        // The slow charge answers within one attempt; a call left by the kill is stale (recovered) after
        // 2 × 4.25 s + 0.2 s + 5 s ≈ 14 s, and its recovery call takes at most ~9 s.
        STRIPE_TIMEOUT_MS: '4000',
        STRIPE_MAX_NETWORK_RETRIES: '1',
        PAYMENT_RETRY_INITIAL_DELAY_MS: '100',
        PAYMENT_RETRY_MAX_DELAY_MS: '200',
        PAYMENT_RECOVERY_INTERVAL_MS: '1000',
      },
    },
  },
});

/** A delivery attempt as the gateway lists them for the whole account (with the intent it was about). */
type AccountDelivery = WebhookDeliveryAttempt & { paymentIntent: string };

/** Every webhook delivery attempt of the stack's account, in the order they ended. */
async function accountDeliveries(gateway: APIRequestContext): Promise<AccountDelivery[]> {
  const response = await gateway.get('/_test/webhook_deliveries');
  expect(response.status()).toBe(200);
  return ((await response.json()) as { data: AccountDelivery[] }).data;
}

/** The webhook reached the shop only through the gateway's retries: failed attempts (shop down), then one 200. */
async function expectRetriedUntilDelivered(stack: IsolatedStack, paymentIntentId: string): Promise<void> {
  const succeeded = (attempts: WebhookDeliveryAttempt[]) => attempts.filter((delivery) => delivery.type === 'payment_intent.succeeded');
  // The order turns paid before the shop answers the delivery: the gateway records the 200 a moment later.
  const deliveries = succeeded(
    await stack.payments.waitForDeliveries(paymentIntentId, (attempts) => succeeded(attempts).some((delivery) => delivery.status === 200), {
      describe: 'a 200 for payment_intent.succeeded',
    }),
  );
  expect(deliveries[0], `the first attempt found the shop down: ${JSON.stringify(deliveries)}`).toMatchObject({ attempt: 1, status: null });
  expect(deliveries.filter((delivery) => delivery.status === 200), 'delivered once, by a retry').toEqual([expect.objectContaining({ attempt: deliveries.length })]);
}

/** Paid exactly once: orders.created then orders.paid on Kafka, one confirmation mail, one notification row. */
async function expectPaidOnce(stack: IsolatedStack, customer: Customer, order: Order): Promise<void> {
  const events = await stack.events.orderEvents(order.id);
  expect(events.map((event) => [event.topic, event.envelope.payload.sequence])).toEqual([
    ['orders.created', 1],
    ['orders.paid', 2],
  ]);
  const subject = orderMailSubject('confirmation', order.id);
  await stack.mailbox.waitForEmail({ to: customer.email, subject });
  const paid = events[1];
  await stack.events.consumedByShop('orders.paid', { partition: paid.partition, offset: paid.offset });
  expect(await stack.mailbox.mailsMatching({ to: customer.email, subject })).toHaveLength(1);
  expect(await stack.db.notificationsForEvent(paid.envelope.eventId)).toHaveLength(1);
}

test.describe('the shop killed mid-payment', { tag: ['@fault', '@payments', '@orders', '@webhooks'] }, () => {
  test('kill -9 with a charge in flight, a hanging charge and a webhook on its way; restarted, every order ends paid or discarded, never stuck, and the webhook is delivered by the gateway’s retries, exactly once', async ({
    isolatedEnvironment: stack,
    gatewayApi: gateway,
  }) => {
    test.setTimeout(240_000);
    const { products } = await stack.factory.productsInOwnCategory(1, () => ({ stock: 10 }));
    const [slowPayer, hangingPayer, latePayer] = await Promise.all([stack.customer(), stack.customer(), stack.customer()]);
    await Promise.all([slowPayer, latePayer].map((payer) => stack.checkout.cartReadyToOrder(payer, [{ product: products[0] }])));
    const hangingCart = await stack.checkout.cartReadyToOrder(hangingPayer, [{ product: products[0], quantity: 2 }]);
    const slow = await stack.payments.method({ type: 'latency', ms: SLOW_CHARGE_MS });
    const hanging = await stack.payments.method({ type: 'hang' });
    const delayed = await stack.payments.succeeding({ delayMs: WEBHOOK_DELAY_MS });

    const late = await test.step('one order is placed and accepted; its webhook is held back for a while', async () => {
      const order = await stack.checkout.placeOrder(latePayer, { paymentMethod: delayed });
      // Its orders.created is on Kafka before the kill: a relay cut mid-publish would publish it again (at least once).
      await stack.events.outboxFlushed();
      return order;
    });

    const placementIds = [randomUUID(), randomUUID()];
    const [slowPlacement, hangingPlacement] = [slowPayer, hangingPayer].map((payer, index) => {
      const placement = stack.checkout.attemptOrder(payer, { paymentMethod: [slow, hanging][index], correlationId: placementIds[index] });
      placement.catch(() => undefined);
      return placement;
    });

    const [slowOrderId, hangingOrderId] = await test.step('two more placements reach the provider: both orders paying, stock reserved', async () => {
      await expect
        .poll(async () => (await Promise.all([slow, hanging].map((method) => stack.payments.calls(method)))).map((calls) => calls.length), {
          message: 'each placement’s call arrived at the gateway',
          intervals: [50],
        })
        .toEqual([1, 1]);
      const orders = await Promise.all([slowPayer, hangingPayer].map((payer) => stack.db.ordersOfUser(payer.user.id)));
      expect(orders.map((rows) => rows.map((row) => row.status))).toEqual([['paying'], ['paying']]);
      expect(await stack.checkout.stock(products[0])).toBe(10 - 4);
      return orders.map((rows) => rows[0].id);
    });

    await test.step('kill -9 the shop: the two customers waiting on it lose their connection', async () => {
      await stack.shop.kill();
      expect(stack.shop.running).toBe(false);
      await expect(slowPlacement).rejects.toThrow(/socket hang up|ECONNRESET|ECONNREFUSED/);
      await expect(hangingPlacement).rejects.toThrow(/socket hang up|ECONNRESET|ECONNREFUSED/);
    });

    const slowIntent = await test.step('while the shop is down the provider takes the slow charge and fails to deliver both webhooks', async () => {
      let failedIntents: string[] = [];
      await expect
        .poll(
          async () => {
            const failed = (await accountDeliveries(gateway)).filter((delivery) => delivery.status === null);
            failedIntents = [...new Set(failed.map((delivery) => delivery.paymentIntent))];
            return failedIntents.length;
          },
          { message: 'a failed delivery for the slow charge and one for the late order’s webhook', timeout: 30_000 },
        )
        .toBe(2);
      expect(failedIntents).toContain(late.payment?.intentId);
      const intent = failedIntents.find((id) => id !== late.payment?.intentId) ?? '';
      expect((await stack.payments.paymentIntent(intent)).metadata.orderId, 'the other one is the slow charge').toBe(slowOrderId);
      expect(await stack.db.orderById(slowOrderId), 'still paying: the shop is down').toMatchObject({ status: 'paying' });
      return intent;
    });

    await test.step('the shop starts again', async () => {
      await stack.timings.measure('shop start after kill -9', () => stack.shop.start());
      await expect(await stack.api.health()).toHaveStatus(200);
    });

    const restartedAt = performance.now();
    const statusOf = async (id: string) => (await stack.db.orderById(id))?.status ?? 'discarded';
    /** Waits until the order has this status (or is gone) and records how long after the restart that was. */
    const settles = async (id: string, status: string, what: string) => {
      await expect.poll(() => statusOf(id), { message: `${what}: ${status}`, timeout: AFTER_RESTART_MS }).toBe(status);
      stack.timings.recovery(`${what}: shop up until ${status}`, performance.now() - restartedAt);
    };

    await test.step('every order settles, none left paying or pending_payment: two paid, the hanging one discarded', async () => {
      await Promise.all([
        settles(late.id, 'paid', 'webhook that found the shop down'),
        settles(slowOrderId, 'paid', 'charge in flight at the kill'),
        settles(hangingOrderId, 'discarded', 'hanging charge at the kill'),
      ]);
    });

    await test.step('the late order was paid by the gateway’s retry of its webhook', async () => {
      await expectRetriedUntilDelivered(stack, late.payment?.intentId ?? '');
    });

    await test.step('the slow charge, taken while the shop was down, is the order’s payment: once, and its webhook came with a retry', async () => {
      expect(await stack.checkout.order(slowOrderId)).toMatchObject({ payment: { intentId: slowIntent, status: 'succeeded' } });
      expect(await stack.payments.latestCharge(slowIntent)).toMatchObject({ status: 'succeeded', amount_refunded: 0 });
      await expectRetriedUntilDelivered(stack, slowIntent);
    });

    await test.step('finished after the restart, the slow placement’s events and mail still name the customer’s request', async () => {
      const created = await stack.events.waitFor('orders.created', { orderId: slowOrderId });
      const paid = await stack.events.waitFor('orders.paid', { orderId: slowOrderId });
      expect([created.envelope.correlationId, paid.envelope.correlationId]).toEqual([placementIds[0], placementIds[0]]);
      expect((await stack.payments.paymentIntent(slowIntent)).metadata).toEqual({ orderId: slowOrderId, correlationId: placementIds[0] });
      const mail = await stack.mailbox.waitForEmail({ to: slowPayer.email, subject: orderMailSubject('confirmation', slowOrderId) });
      expect(mail.headers['x-correlation-id']).toBe(placementIds[0]);
    });

    await test.step('the hanging charge: recovery asks the provider again, gets no answer, and discards the order: stock back, cart kept', async () => {
      await stack.logs.waitForLine('shop', (line) => line.entry?.msg === 'recovered a placement' && line.entry.orderId === hangingOrderId, {
        describe: `recovered a placement for ${hangingOrderId}`,
      });
      const calls = await stack.payments.calls(hanging);
      expect(calls.length, 'asked again after the restart, with the same key').toBeGreaterThan(1);
      expect(new Set(calls.map((call) => call.idempotencyKey))).toEqual(new Set([`order-${hangingOrderId}`]));
      expect(await stack.checkout.cart(hangingPayer)).toEqual(hangingCart);
      expect(await stack.checkout.stock(products[0])).toBe(10 - 2);
    });

    await test.step('each paid order exactly once: its events, its confirmation mail; the discarded one has none', async () => {
      await expectPaidOnce(stack, latePayer, late);
      await expectPaidOnce(stack, slowPayer, await stack.checkout.order(slowOrderId));
      await expect(stack.events).not.toHavePublished('orders.created', { userId: hangingPayer.user.id });
      const left = await Promise.all([latePayer, slowPayer, hangingPayer].map((payer) => stack.db.ordersOfUser(payer.user.id)));
      expect(left.map((rows) => rows.map((row) => row.status)), 'nothing stuck in paying or pending_payment').toEqual([['paid'], ['paid'], []]);
    });
  });
});
