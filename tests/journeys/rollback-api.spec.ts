import { test, expect, expectError, env } from '../../fixtures';

test.describe('journey: rollback when the provider is down, through the API', { tag: ['@payments', '@orders', '@journey', '@failure'] }, () => {
  test('the provider never answers well: 502 after the SDK’s retries, and inventory and order count are unchanged', async ({ customer, factory, checkout, payments, events }) => {
    const { products } = await factory.productsInOwnCategory(3, (index) => ({ price: 10 + index, stock: 2 + index }));
    const discount = await factory.discountCode({ percentOff: 20 });
    const stockBefore = await Promise.all(products.map((product) => checkout.stock(product)));
    const paymentMethod = await payments.failingThenSucceeding(env.stripeMaxNetworkRetries + 10);

    const cart = await test.step('a cart with every product, all of their stock, a discount and an address', async () =>
      checkout.cartReadyToOrder(customer, products.map((product, index) => ({ product, quantity: stockBefore[index] })), { discountCode: discount.code }),
    );

    await test.step('place the order: every attempt gets 503, the shop answers 502 PAYMENT_PROVIDER_UNAVAILABLE', async () => {
      await expectError(await checkout.attemptOrder(customer, { paymentMethod }), 502, 'PAYMENT_PROVIDER_UNAVAILABLE');
      const calls = await payments.calls(paymentMethod);
      expect(calls.map((call) => call.status)).toEqual(Array(env.stripeMaxNetworkRetries + 1).fill(503));
    });

    await test.step('compensated: the stock of every product is back, no order, the cart untouched', async () => {
      expect(await Promise.all(products.map((product) => checkout.stock(product)))).toEqual(stockBefore);
      expect(await checkout.orderCount(customer)).toBe(0);
      expect(await checkout.cart(customer)).toEqual(cart);
      await expect(events).not.toHavePublished('orders.created', { userId: customer.user.id });
    });

    await test.step('another customer can still buy the last items', async () => {
      const other = await factory.customer();
      const order = await checkout.buy(other, [{ product: products[0], quantity: stockBefore[0] }]);
      expect(order.status).toBe('paid');
      expect(await checkout.stock(products[0])).toBe(0);
    });
  });
});
