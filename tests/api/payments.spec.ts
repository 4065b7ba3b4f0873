import { test, expect, expectError, env, TEST_CARDS, type Order } from '../../fixtures';

test.describe('paying for an order', { tag: ['@payments', '@api'] }, () => {
  test('a declined card is 400 CARD_DECLINED with the provider’s message, and the order is rolled back', async ({ customer, factory, checkout, events }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    const cartBefore = await checkout.cartReadyToOrder(customer, [{ product: products[0], quantity: 2 }]);

    const error = await expectError(await customer.api.placeOrder({ paymentMethod: TEST_CARDS.declined }), 400, 'CARD_DECLINED');

    expect(error.details).toEqual([{ field: 'paymentMethod', message: 'Your card was declined.' }]);

    await test.step('stock, orders and cart as before the call', async () => {
      expect(await checkout.stock(products[0])).toBe(5);
      expect(await checkout.orderCount(customer)).toBe(0);
      expect(await checkout.cart(customer)).toEqual(cartBefore);
    });

    await test.step('no event', async () => {
      await expect(events).not.toHavePublished('orders.created', { userId: customer.user.id });
    });
  });

  test('insufficient funds is 402 PAYMENT_FAILED, and the order is rolled back', async ({ customer, factory, checkout }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    const cartBefore = await checkout.cartReadyToOrder(customer, [{ product: products[0], quantity: 5 }]);

    await expectError(await customer.api.placeOrder({ paymentMethod: TEST_CARDS.insufficientFunds }), 402, 'PAYMENT_FAILED');

    expect(await checkout.stock(products[0])).toBe(5);
    expect(await checkout.orderCount(customer)).toBe(0);
    expect(await checkout.cart(customer)).toEqual(cartBefore);
  });

  test('a programmed decline is 400 CARD_DECLINED; a programmed insufficient-funds decline 402 PAYMENT_FAILED', async ({ factory, checkout, payments }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));

    await test.step('decline_code expired_card', async () => {
      const customer = await factory.customer();
      await checkout.cartReadyToOrder(customer, [{ product: products[0] }]);
      const error = await expectError(await checkout.attemptOrder(customer, { paymentMethod: await payments.declining('expired_card') }), 400, 'CARD_DECLINED');
      expect(error.details?.[0]?.field).toBe('paymentMethod');
    });

    await test.step('decline_code insufficient_funds', async () => {
      const customer = await factory.customer();
      await checkout.cartReadyToOrder(customer, [{ product: products[0] }]);
      await expectError(await checkout.attemptOrder(customer, { paymentMethod: await payments.declining('insufficient_funds') }), 402, 'PAYMENT_FAILED');
    });

    expect(await checkout.stock(products[0])).toBe(5);
  });

  test('a provider answering 503 is retried with the same idempotency key until it succeeds: one order, one charge', async ({ customer, factory, checkout, payments }) => {
    const failures = Math.min(2, env.stripeMaxNetworkRetries);
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    const paymentMethod = await payments.failingThenSucceeding(failures);
    await checkout.cartReadyToOrder(customer, [{ product: products[0] }]);

    const order = await checkout.placeOrder(customer, { paymentMethod });

    const calls = await payments.calls(paymentMethod);

    await test.step(`the gateway saw ${failures} × 503, then one success, all with the key order-<id>`, async () => {
      expect(calls.map((call) => call.status), JSON.stringify(calls)).toEqual([...Array(failures).fill(503), 200]);
      expect(new Set(calls.map((call) => call.idempotencyKey))).toEqual(new Set([`order-${order.id}`]));
    });

    await test.step('and the order is paid once', async () => {
      await expect(checkout.ref(order)).toHaveStatus('paid');
      expect(await checkout.orderCount(customer)).toBe(1);
      expect(await checkout.stock(products[0])).toBe(4);
    });
  });

  test('a provider still failing after the SDK’s retries is 502 PAYMENT_PROVIDER_UNAVAILABLE, and the order is rolled back', async ({ customer, factory, checkout, payments }) => {
    const attempts = env.stripeMaxNetworkRetries + 1;
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    const paymentMethod = await payments.failingThenSucceeding(attempts + 5);
    const cartBefore = await checkout.cartReadyToOrder(customer, [{ product: products[0], quantity: 3 }]);

    await expectError(await checkout.attemptOrder(customer, { paymentMethod }), 502, 'PAYMENT_PROVIDER_UNAVAILABLE');

    expect((await payments.calls(paymentMethod)).map((call) => call.status)).toEqual(Array(attempts).fill(503));
    expect(await checkout.stock(products[0])).toBe(5);
    expect(await checkout.orderCount(customer)).toBe(0);
    expect(await checkout.cart(customer)).toEqual(cartBefore);
  });

  test('a payment that succeeds is confirmed by the provider’s webhook: paid, with paidAt', async ({ customer, factory, checkout, payments }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    await checkout.cartReadyToOrder(customer, [{ product: products[0] }]);

    const order: Order = await checkout.placeOrder(customer);

    await expect(checkout.ref(order, customer.api)).toHaveStatus('paid');
    const paid = await checkout.order(order.id);
    expect(Date.parse(paid.paidAt ?? '')).toBeGreaterThanOrEqual(Date.parse(order.createdAt));
    const deliveries = await payments.waitForDeliveries(order.payment?.intentId ?? '', (attempts) => attempts.some((attempt) => attempt.status === 200), {
      describe: 'a delivery the shop answered 200',
    });
    expect(deliveries.map((attempt) => attempt.type)).toContain('payment_intent.succeeded');
  });
});
