import { test, expect, expectError, orderMailSubject, type ShopResponse } from '../../fixtures';

/**
 * The charge in flight when Postgres goes: the provider takes it, and the shop cannot write it down. Long enough that
 * stopping Postgres ends before the charge does on a loaded machine (1 s did not once, at a load average of 14).
 */
const CHARGE_MS = 3_000;
/** The gateway retries a refused webhook every second for a minute: the outage is over long before. */
const WEBHOOK_RETRY_DELAYS_MS = Array(60).fill(1_000).join(',');
/** From Postgres answering again until the order is paid: a webhook retry or a recovery round does it. */
const SETTLE_MS = 60_000;

test.use({
  isolatedOptions: {
    gateway: { env: { WEBHOOK_RETRY_DELAYS_MS } },
    shop: { env: { PAYMENT_RECOVERY_INTERVAL_MS: '1000' } },
  },
});

/** The two ways Postgres goes away: a clean stop (a restart, a failover) and a crash. */
const outages = [
  { how: 'stopped cleanly', stop: 'stop' },
  { how: 'killed with kill -9', stop: 'kill' },
] as const;

for (const outage of outages) {
  test.describe(`Postgres ${outage.how} mid-journey`, { tag: ['@fault', '@orders', '@payments', '@webhooks'] }, () => {
    test(`the shop keeps running, answers 503 SERVICE_UNAVAILABLE with Retry-After while it is away, serves again once it is back, and the payment in flight ends paid exactly once`, async ({
      isolatedEnvironment: stack,
    }) => {
      test.setTimeout(180_000);
      const { category, products } = await stack.factory.productsInOwnCategory(1, () => ({ stock: 5 }));
      const [payer, browser] = await Promise.all([stack.customer(), stack.customer()]);
      await stack.checkout.cartReadyToOrder(payer, [{ product: products[0], quantity: 2 }]);
      const slow = await stack.payments.method({ type: 'latency', ms: CHARGE_MS });

      const placement: Promise<ShopResponse<unknown>> = stack.checkout.attemptOrder(payer, { paymentMethod: slow });
      placement.catch(() => undefined);

      const orderId = await test.step('the placement reaches the provider: the order is paying, its stock reserved', async () => {
        await expect.poll(async () => (await stack.payments.calls(slow)).length, { message: 'the charge arrived at the gateway', intervals: [50] }).toBe(1);
        const orders = await stack.db.ordersOfUser(payer.user.id);
        expect(orders.map((order) => order.status)).toEqual(['paying']);
        expect(await stack.checkout.stock(products[0])).toBe(3);
        return orders[0].id;
      });

      await test.step(`Postgres is ${outage.how}`, async () => {
        await stack.postgres[outage.stop]();
        expect(stack.postgres.running).toBe(false);
      });

      await test.step('while it is away: every request that needs it answers 503 SERVICE_UNAVAILABLE with Retry-After, and /health names Postgres', async () => {
        const answers = await stack.timings.measure('503 answers while Postgres is away (catalog, cart, login)', () =>
          Promise.all([stack.api.listProducts({ category: category.slug }), browser.api.getCart(), stack.api.login({ email: browser.email, password: browser.password })]),
        );
        for (const response of answers) {
          await expectError(response, 503, 'SERVICE_UNAVAILABLE');
          expect(Number(response.headers()['retry-after'])).toBeGreaterThanOrEqual(1);
        }
        const health = await stack.api.health();
        expect(health.status()).toBe(503);
        expect(await health.json()).toMatchObject({ status: 'degraded', dependencies: { postgres: 'down', kafka: 'up', smtp: 'up' } });
      });

      await test.step('the paying customer gets a clear answer: the charge was taken, but the shop could not record it (503)', async () => {
        await expectError(await placement, 503, 'SERVICE_UNAVAILABLE');
        expect(stack.shop.running, 'the shop process survived').toBe(true);
      });

      await test.step('Postgres starts again; the shop serves within moments, without a restart', async () => {
        await stack.timings.measure(`postgres start after it was ${outage.how}`, () => stack.postgres.start());
        await stack.timings.measure('shop serving again after Postgres accepts connections', () =>
          expect.poll(async () => (await stack.api.listProducts({ category: category.slug })).status(), { intervals: [50], timeout: 10_000 }).toBe(200),
        );
        expect(stack.shop.running, 'the same shop process').toBe(true);
        await expect(await stack.api.health()).toHaveStatus(200);
      });

      await test.step('the order the outage interrupted ends paid: not lost, not stuck in paying or pending_payment', async () => {
        await stack.timings.measure('order interrupted by the outage: paid after Postgres is back', () =>
          expect.poll(async () => (await stack.db.orderById(orderId))?.status, { timeout: SETTLE_MS }).toBe('paid'),
        );
        expect((await stack.db.ordersOfUser(payer.user.id)).map((order) => order.status)).toEqual(['paid']);
        expect(await stack.checkout.stock(products[0]), 'reserved once').toBe(3);
      });

      await test.step('paid exactly once: one charge, orders.created then orders.paid, one confirmation mail', async () => {
        const order = await stack.checkout.order(orderId);
        expect(order.payment).toMatchObject({ status: 'succeeded' });
        const calls = await stack.payments.calls(slow);
        expect(new Set(calls.map((call) => call.idempotencyKey)), 'every call to the provider is the same charge').toEqual(new Set([`order-${orderId}`]));
        expect(await stack.payments.latestCharge(order.payment?.intentId ?? '')).toMatchObject({ status: 'succeeded', amount_refunded: 0 });
        const events = await stack.events.orderEvents(orderId);
        expect(events.map((event) => [event.topic, event.envelope.payload.sequence])).toEqual([
          ['orders.created', 1],
          ['orders.paid', 2],
        ]);
        const subject = orderMailSubject('confirmation', orderId);
        await stack.mailbox.waitForEmail({ to: payer.email, subject });
        await stack.events.consumedByShop('orders.paid', { partition: events[1].partition, offset: events[1].offset });
        expect(await stack.mailbox.mailsMatching({ to: payer.email, subject })).toHaveLength(1);
      });
    });
  });
}
