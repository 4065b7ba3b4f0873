import { test, expect, expectError } from '../../fixtures';

// A shop that charges no shipping: a cart of one cheap product is a total the provider will not charge.
test.use({ isolatedOptions: { shop: { env: { SHIPPING_FLAT_RATE: '0.00' } } } });

test.describe('the provider’s minimum charge', { tag: ['@orders', '@payments', '@failure'] }, () => {
  test('a total under the provider’s $0.50 minimum is 400 ORDER_TOTAL_TOO_SMALL, and nothing happened: no order, stock back, cart kept, no event, no intent; $0.50 itself is placed and paid', async ({
    isolatedEnvironment: stack,
  }) => {
    const customer = await stack.customer();
    const { products } = await stack.factory.productsInOwnCategory(2, (index) => ({ price: [0.49, 0.5][index], stock: 5 }));
    const [under, atMinimum] = products;
    const cart = await stack.checkout.cartReadyToOrder(customer, [{ product: under }]);
    expect(cart.total, 'no shipping, no discount: the product alone').toBe(0.49);

    const error = await expectError(await stack.checkout.attemptOrder(customer), 400, 'ORDER_TOTAL_TOO_SMALL');

    expect(error.details).toEqual([{ field: 'total', message: expect.stringMatching(/at least \$0\.50/) }]);

    await test.step('what did not happen', async () => {
      expect(await stack.db.ordersOfUser(customer.user.id), 'no order kept').toEqual([]);
      expect(await stack.checkout.stock(under), 'the reservation given back').toBe(5);
      expect(await stack.checkout.cart(customer), 'the cart as it was').toEqual(cart);
      await expect(stack.events).not.toHavePublished('orders.created', { userId: customer.user.id });
      // The provider refused the call before creating anything: the one call the gateway saw answered 400.
      expect((await stack.payments.calls('pm_card_visa')).map((call) => call.status)).toEqual([400]);
    });

    await test.step('the minimum itself goes through: $0.50 is placed and paid', async () => {
      await expect(await customer.api.removeCartItem(under.id)).toHaveStatus(200);
      await stack.checkout.add(customer, atMinimum, 1);
      const { order } = await stack.checkout.payAndWaitPaid(customer);
      expect(order).toMatchObject({ total: 0.5, status: 'paid' });
    });
  });
});
