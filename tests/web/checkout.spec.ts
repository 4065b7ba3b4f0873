import { test, expect, signInWithToken } from '../../fixtures';
import { formatPrice } from '../../pages';

test.describe('checkout in the browser', { tag: ['@orders', '@payments', '@web'] }, () => {
  test('checkout shows the summary and total; paying with Visa opens the order page, which turns Paid', async ({ page, context, cartPage, checkoutPage, orderPage, customer, factory, checkout }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ price: 30, stock: 5 }));
    const cart = await checkout.cartReadyToOrder(customer, [{ product: products[0], quantity: 2 }]);
    await signInWithToken(context, customer.accessToken);

    await cartPage.goto();
    await cartPage.checkout();

    await expect(checkoutPage.heading).toBeVisible();
    await expect(checkoutPage.item(products[0].name)).toBeVisible();
    await expect(checkoutPage.total).toHaveText(formatPrice(cart.total));

    await checkoutPage.payWith('Visa (succeeds)');

    await expect(page).toHaveURL(/\/orders\/[0-9a-f-]{36}$/);
    const orderId = orderPage.orderIdFromUrl();
    await expect(orderPage.heading(orderId)).toBeVisible();
    await orderPage.reloadUntilStatus('Paid');
    await expect(orderPage.total).toHaveText(formatPrice(cart.total));
    expect((await checkout.order(orderId)).userId).toBe(customer.user.id);
  });

  test('a declined card keeps the customer on checkout with "Your card was declined."', async ({ page, context, checkoutPage, customer, factory, checkout }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    await checkout.cartReadyToOrder(customer, [{ product: products[0] }]);
    await signInWithToken(context, customer.accessToken);
    await checkoutPage.goto();

    await checkoutPage.payWith('Declined card');

    await expect(checkoutPage.alert).toContainText('Your card was declined.');
    await expect(page).toHaveURL(/\/checkout$/);
    expect(await checkout.orderCount(customer)).toBe(0);
  });

  test('insufficient funds keeps the customer on checkout with "Payment failed: insufficient funds."', async ({ context, checkoutPage, customer, factory, checkout }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    await checkout.cartReadyToOrder(customer, [{ product: products[0] }]);
    await signInWithToken(context, customer.accessToken);
    await checkoutPage.goto();

    await checkoutPage.payWith('Insufficient funds');

    await expect(checkoutPage.alert).toContainText('Payment failed: insufficient funds.');
    expect(await checkout.stock(products[0])).toBe(5);
  });

  test('a payment method id typed in is used instead of the select', async ({ page, context, checkoutPage, customer, factory, checkout, payments }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    const paymentMethod = await payments.succeeding();
    await checkout.cartReadyToOrder(customer, [{ product: products[0] }]);
    await signInWithToken(context, customer.accessToken);
    await checkoutPage.goto();

    await checkoutPage.payWithMethodId(paymentMethod);

    await expect(page).toHaveURL(/\/orders\/[0-9a-f-]{36}$/);
    const calls = await payments.calls(paymentMethod);
    expect(calls.map((call) => call.path)).toContain('/v1/payment_intents');
  });
});
