import { test, expect, signInWithToken } from '../../fixtures';

test.describe('journey: insufficient funds, in the browser', { tag: ['@payments', '@journey', '@web', '@failure'] }, () => {
  test('the payment fails for insufficient funds: the alert says so, and inventory and the order count are as before', async ({
    page,
    context,
    productPage,
    cartPage,
    checkoutPage,
    ordersPage,
    customer,
    factory,
    checkout,
    events,
  }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ price: 60, stock: 3 }));
    const earlier = await checkout.buy(customer, [{ product: products[0] }]);
    await signInWithToken(context, customer.accessToken);

    await test.step('add the last two to the cart from the product page', async () => {
      await productPage.goto(products[0].id);
      await expect(productPage.inStock(2)).toBeVisible();
      await productPage.addToCart(2);
      await cartPage.setShippingAddress(factory.address('GB'));
      await cartPage.checkout();
    });

    await test.step('pay with the insufficient-funds card: "Payment failed: insufficient funds."', async () => {
      await checkoutPage.payWith('Insufficient funds');
      await expect(checkoutPage.alert).toContainText('Payment failed: insufficient funds.');
      await expect(page).toHaveURL(/\/checkout$/);
    });

    await test.step('the product still shows 2 in stock', async () => {
      await productPage.goto(products[0].id);
      await expect(productPage.inStock(2)).toBeVisible();
    });

    await test.step('Your orders still lists only the earlier order', async () => {
      await ordersPage.goto();
      await expect(ordersPage.list.getByRole('listitem')).toHaveCount(1);
      await expect(ordersPage.link(earlier.id)).toBeVisible();
      expect(await checkout.orderCount(customer)).toBe(1);
    });

    await test.step('no orders.created beyond the earlier order', async () => {
      const created = await events.publishedAfterFlush('orders.created', { userId: customer.user.id });
      expect(created.found.map((event) => event.envelope.payload.orderId)).toEqual([earlier.id]);
    });
  });
});
