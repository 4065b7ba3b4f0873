import { test, expect, expectJson } from '../../fixtures';

test.describe('the isolated shop, stopped and started again', { tag: ['@fault', '@cart', '@webhooks'] }, () => {
  test('comes back on the same port with its settings and data: the session, the cart, and the gateway webhook of a payment made after', async ({
    isolatedEnvironment: stack,
  }) => {
    const customer = await stack.customer();
    const { products } = await stack.factory.productsInOwnCategory(1);
    await stack.checkout.cartReadyToOrder(customer, [{ product: products[0], quantity: 2 }]);
    const { url, port } = stack.shop;

    await test.step('the shop stops: its port refuses connections', async () => {
      await stack.shop.stop();
      expect(stack.shop.running).toBe(false);
      await expect(stack.api.health()).rejects.toThrow(/ECONNREFUSED/);
    });

    await test.step('it starts again on the same port and answers', async () => {
      await stack.timings.measure('shop start after a clean stop', () => stack.shop.start());
      expect({ url: stack.shop.url, port: stack.shop.port }).toEqual({ url, port });
      await expect(await stack.api.health()).toHaveStatus(200);
    });

    await test.step('the token issued before still works, and the cart is as it was', async () => {
      const cart = await expectJson(await customer.api.getCart());
      expect(cart.items).toEqual([expect.objectContaining({ productId: products[0].id, quantity: 2 })]);
    });

    await test.step('the gateway still reaches it: a payment made now is confirmed by its webhook', async () => {
      const { order } = await stack.checkout.payAndWaitPaid(customer);
      const deliveries = await stack.payments.deliveries(order.payment?.intentId ?? '');
      expect(deliveries).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'payment_intent.succeeded', status: 200 })]));
    });
  });
});
