import { randomUUID } from 'node:crypto';
import { test, expect, expectJson, expectError, detailsByField } from '../../fixtures';

test.describe('cart', { tag: ['@cart', '@api'] }, () => {
  test('a new customer has an empty cart in USD', async ({ customer }) => {
    const response = await customer.api.getCart();

    await expect(response).toHaveStatus(200);
    expect(await response.json()).toEqual({ items: [], subtotal: 0, discount: null, shipping: null, total: 0, currency: 'USD' });
  });

  test('adding a product puts it in the cart at its price, and adding it again adds to the quantity', async ({ customer, factory }) => {
    const { products } = await factory.productsInOwnCategory(2, (index) => ({ price: [12.5, 3.99][index], stock: 20 }));
    const [mug, pen] = products;

    await test.step('2 mugs', async () => {
      const cart = await expectJson(await customer.api.addToCart({ productId: mug.id, quantity: 2 }));
      expect(cart.items).toEqual([{ productId: mug.id, name: mug.name, unitPrice: 12.5, quantity: 2, lineTotal: 25 }]);
      expect(cart).toMatchObject({ subtotal: 25, total: 25, currency: 'USD' });
    });

    await test.step('1 more mug and 3 pens', async () => {
      await expect(await customer.api.addToCart({ productId: mug.id, quantity: 1 })).toHaveStatus(200);
      const response = await customer.api.addToCart({ productId: pen.id, quantity: 3 });
      await expect(response).toHaveStatus(200);
      const cart = await expectJson(response);
      expect(cart.items).toHaveLength(2);
      expect(cart.items).toEqual(
        expect.arrayContaining([
          { productId: mug.id, name: mug.name, unitPrice: 12.5, quantity: 3, lineTotal: 37.5 },
          { productId: pen.id, name: pen.name, unitPrice: 3.99, quantity: 3, lineTotal: 11.97 },
        ]),
      );
      expect(cart.subtotal).toBe(49.47);
      expect(cart.total).toBe(49.47);
    });
  });

  test('updating an item sets its quantity; removing it takes it out; removing it again is 404 CART_ITEM_NOT_FOUND', async ({ customer, factory, checkout }) => {
    const { products } = await factory.productsInOwnCategory(2, () => ({ price: 10, stock: 20 }));
    await checkout.fillCart(customer, [{ product: products[0], quantity: 2 }, { product: products[1] }]);

    await test.step('PATCH sets the quantity to 5', async () => {
      const response = await customer.api.updateCartItem(products[0].id, { quantity: 5 });
      await expect(response).toHaveStatus(200);
      const cart = await expectJson(response);
      expect(cart.items.find((item) => item.productId === products[0].id)).toMatchObject({ quantity: 5, lineTotal: 50 });
      expect(cart.subtotal).toBe(60);
    });

    await test.step('DELETE removes it', async () => {
      const response = await customer.api.removeCartItem(products[0].id);
      await expect(response).toHaveStatus(200);
      const cart = await expectJson(response);
      expect(cart.items.map((item) => item.productId)).toEqual([products[1].id]);
      expect(cart.subtotal).toBe(10);
    });

    await test.step('an item no longer in the cart cannot be removed again', async () => {
      await expectError(await customer.api.removeCartItem(products[0].id), 404, 'CART_ITEM_NOT_FOUND');
    });
  });

  test('a quantity must be an integer from 1 to 99', async ({ customer, factory, checkout }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 500 }));
    const [product] = products;

    for (const quantity of [0, 100, 1.5, '2', -1, null]) {
      await test.step(`quantity ${JSON.stringify(quantity)} is refused`, async () => {
        const error = await expectError(await customer.api.addToCart({ productId: product.id, quantity }), 400, 'VALIDATION_ERROR');
        expect(Object.keys(detailsByField(error))).toEqual(['quantity']);
      });
    }

    await test.step('1 and 99 are accepted', async () => {
      await expect(await customer.api.addToCart({ productId: product.id, quantity: 1 })).toHaveStatus(200);
      const response = await customer.api.updateCartItem(product.id, { quantity: 99 });
      await expect(response).toHaveStatus(200);
      expect((await expectJson(response)).items[0].quantity).toBe(99);
    });

    await test.step('PATCH applies the same rule', async () => {
      await expectError(await customer.api.updateCartItem(product.id, { quantity: 0 }), 400, 'VALIDATION_ERROR');
      expect((await checkout.cart(customer)).items[0].quantity).toBe(99);
    });
  });

  test('more than the stock is refused with 409 OUT_OF_STOCK naming what was requested and what is available', async ({ customer, factory, checkout }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 3 }));
    const [product] = products;

    await test.step('4 of a stock of 3', async () => {
      const error = await expectError(await customer.api.addToCart({ productId: product.id, quantity: 4 }), 409, 'OUT_OF_STOCK');
      expect(error.details).toEqual([{ field: 'items', message: `${product.id}: requested 4, available 3` }]);
      expect((await checkout.cart(customer)).items).toEqual([]);
    });

    await test.step('all 3 fit; one more on top of them does not', async () => {
      await checkout.add(customer, product, 3);
      const error = await expectError(await customer.api.addToCart({ productId: product.id, quantity: 1 }), 409, 'OUT_OF_STOCK');
      expect(error.details).toEqual([{ field: 'items', message: `${product.id}: requested 4, available 3` }]);
    });

    await test.step('PATCH to more than the stock is refused too, and the cart keeps 3', async () => {
      await expectError(await customer.api.updateCartItem(product.id, { quantity: 4 }), 409, 'OUT_OF_STOCK');
      expect((await checkout.cart(customer)).items[0].quantity).toBe(3);
    });
  });

  test('an unknown or deleted product is refused with 400 INVALID_PRODUCT', async ({ customer, factory, adminApi }) => {
    const { products } = await factory.productsInOwnCategory(1);
    await expect(await adminApi.deleteProduct(products[0].id, { ifMatch: products[0] })).toHaveStatus(204);

    await expectError(await customer.api.addToCart({ productId: randomUUID(), quantity: 1 }), 400, 'INVALID_PRODUCT');
    await expectError(await customer.api.addToCart({ productId: products[0].id, quantity: 1 }), 400, 'INVALID_PRODUCT');
  });

  test('the cart prices its items at the products’ current prices', async ({ customer, factory, adminApi, checkout }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ price: 20, stock: 10 }));
    await checkout.add(customer, products[0], 2);

    await expect(await adminApi.updateProduct(products[0].id, { price: 17.25 }, { ifMatch: products[0] })).toHaveStatus(200);

    const cart = await checkout.cart(customer);
    expect(cart.items[0]).toMatchObject({ unitPrice: 17.25, quantity: 2, lineTotal: 34.5 });
    expect(cart.subtotal).toBe(34.5);
  });

  test('each customer has a cart of their own', async ({ factory, checkout }) => {
    const [alice, bob] = [await factory.customer(), await factory.customer()];
    const { products } = await factory.productsInOwnCategory(1);

    await checkout.add(alice, products[0], 1);

    expect((await checkout.cart(alice)).items).toHaveLength(1);
    expect((await checkout.cart(bob)).items).toEqual([]);
  });

  test('the cart needs a bearer token', async ({ api, factory }) => {
    const { products } = await factory.productsInOwnCategory(1);

    await expectError(await api.getCart(), 401, 'UNAUTHENTICATED');
    await expectError(await api.addToCart({ productId: products[0].id, quantity: 1 }), 401, 'UNAUTHENTICATED');
  });
});
