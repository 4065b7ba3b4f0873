import { test, expect, env, signInWithToken } from '../../fixtures';
import { formatPrice } from '../../pages';

test.describe('cart in the browser', { tag: ['@cart', '@web'] }, () => {
  test('a visitor is asked to log in to buy', async ({ productPage, factory }) => {
    const { products } = await factory.productsInOwnCategory(1);

    await productPage.goto(products[0].id);

    await expect(productPage.loginToBuyLink).toBeVisible();
    await expect(productPage.addToCartForm).toHaveCount(0);
  });

  test('adding to the cart from the product page lands on the cart with the item, its quantity and the amounts', async ({ page, context, productPage, cartPage, customer, factory }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ price: 12.5, stock: 10 }));
    await signInWithToken(context, customer.accessToken);

    await productPage.goto(products[0].id);
    await productPage.addToCart(3);

    await expect(page).toHaveURL(/\/cart$/);
    await expect(cartPage.heading).toBeVisible();
    await expect(cartPage.row(products[0].name)).toBeVisible();
    await expect(cartPage.row(products[0].name).getByLabel('Quantity')).toHaveValue('3');
    await expect(cartPage.amount('Subtotal')).toHaveText(formatPrice(37.5));
    await expect(cartPage.amount('Total')).toHaveText(formatPrice(37.5));
    await expect(cartPage.checkoutLink, 'no checkout before an address').toHaveCount(0);
  });

  test('updating a quantity and removing an item, down to the empty cart', async ({ context, cartPage, customer, factory, checkout }) => {
    const { products } = await factory.productsInOwnCategory(2, () => ({ price: 10, stock: 10 }));
    await checkout.fillCart(customer, [{ product: products[0] }, { product: products[1] }]);
    await signInWithToken(context, customer.accessToken);
    await cartPage.goto();

    await test.step('update the first to 4', async () => {
      await cartPage.setQuantity(products[0].name, 4);
      await expect(cartPage.row(products[0].name).getByLabel('Quantity')).toHaveValue('4');
      await expect(cartPage.amount('Subtotal')).toHaveText(formatPrice(50));
    });

    await test.step('remove both', async () => {
      await cartPage.remove(products[0].name);
      await expect(cartPage.itemRows).toHaveCount(1);
      await cartPage.remove(products[1].name);
      await expect(cartPage.emptyMessage).toBeVisible();
    });
  });

  test('more than the stock shows an alert and keeps the cart', async ({ context, cartPage, customer, factory, checkout }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 2 }));
    await checkout.add(customer, products[0], 2);
    await signInWithToken(context, customer.accessToken);
    await cartPage.goto();

    await cartPage.setQuantity(products[0].name, 5);

    await expect(cartPage.alert).toBeVisible();
    expect((await checkout.cart(customer)).items[0].quantity).toBe(2);
  });

  test('a discount code shows the discount and the new total; a bad code shows an alert', async ({ context, cartPage, customer, factory, checkout }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ price: 80, stock: 10 }));
    const discount = await factory.discountCode({ percentOff: 25 });
    await checkout.add(customer, products[0], 1);
    await signInWithToken(context, customer.accessToken);
    await cartPage.goto();

    await test.step('unknown code', async () => {
      await cartPage.applyDiscount(factory.discountCodeName());
      await expect(cartPage.alert).toBeVisible();
      await expect(cartPage.amount('Discount')).toHaveText(formatPrice(0));
    });

    await test.step('the test’s own 25% code', async () => {
      await cartPage.applyDiscount(discount.code);
      await expect(cartPage.amount('Discount')).toHaveText(formatPrice(20));
      await expect(cartPage.amount('Total')).toHaveText(formatPrice(60));
    });
  });

  test('saving a shipping address shows the shipping cost and the Checkout link; an invalid one shows an alert', async ({ context, cartPage, customer, factory, checkout }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ price: 20, stock: 10 }));
    await checkout.add(customer, products[0], 1);
    await signInWithToken(context, customer.accessToken);
    await cartPage.goto();

    await test.step('a US postal code that is not one', async () => {
      await cartPage.setShippingAddress(factory.address('US', { postalCode: 'ABCDE' }));
      await expect(cartPage.alert).toContainText('Postal code');
      await expect(cartPage.checkoutLink).toHaveCount(0);
    });

    await test.step('a valid address in Germany', async () => {
      await cartPage.setShippingAddress(factory.address('DE'));
      await expect(cartPage.amount('Shipping')).toHaveText(formatPrice(env.shippingInternationalRate));
      await expect(cartPage.amount('Total')).toHaveText(formatPrice(20 + env.shippingInternationalRate));
      await expect(cartPage.checkoutLink).toBeVisible();
    });
  });
});
