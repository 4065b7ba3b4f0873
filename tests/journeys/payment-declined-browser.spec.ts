import { test, expect, signInWithToken } from '../../fixtures';

test.describe('journey: a declined card, in the browser', { tag: ['@payments', '@journey', '@web', '@failure'] }, () => {
  test('the card is declined at checkout; the cart and stock are untouched; another card pays', async ({ page, context, cartPage, checkoutPage, orderPage, customer, factory, checkout }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ price: 25, stock: 4 }));
    await signInWithToken(context, customer.accessToken);

    await test.step('fill the cart and save an address in the browser', async () => {
      await checkout.add(customer, products[0], 2);
      await cartPage.goto();
      await cartPage.setShippingAddress(factory.address('CA'));
      await expect(cartPage.checkoutLink).toBeVisible();
      await cartPage.checkout();
    });

    await test.step('pay with the declined card: "Your card was declined.", still on checkout', async () => {
      await checkoutPage.payWith('Declined card');
      await expect(checkoutPage.alert).toContainText('Your card was declined.');
      await expect(page).toHaveURL(/\/checkout$/);
    });

    await test.step('nothing was reserved or ordered; the cart still holds both', async () => {
      expect(await checkout.stock(products[0])).toBe(4);
      expect(await checkout.orderCount(customer)).toBe(0);
      await cartPage.goto();
      await expect(cartPage.row(products[0].name).getByLabel('Quantity')).toHaveValue('2');
    });

    await test.step('pay again with Visa: the order page, then Paid', async () => {
      await cartPage.checkout();
      await checkoutPage.payWith('Visa (succeeds)');
      await expect(page).toHaveURL(/\/orders\/[0-9a-f-]{36}$/);
      await orderPage.reloadUntilStatus('Paid');
      expect(await checkout.stock(products[0])).toBe(2);
    });
  });
});
