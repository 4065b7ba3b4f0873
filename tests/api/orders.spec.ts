import { randomUUID } from 'node:crypto';
import { test, expect, expectJson, expectError, type Order } from '../../fixtures';

test.describe('placing an order', { tag: ['@orders', '@api'] }, () => {
  test('an order is placed from the cart: 201 in pending_payment, with its items, totals, address and payment', async ({ customer, factory, checkout }) => {
    const { products } = await factory.productsInOwnCategory(2, (index) => ({ price: [19.99, 5.5][index], stock: 10 }));
    const address = factory.address('US');
    const cart = await checkout.cartReadyToOrder(customer, [{ product: products[0], quantity: 2 }, { product: products[1] }], { address });

    const response = await customer.api.placeOrder({ paymentMethod: 'pm_card_visa' });

    await expect(response).toHaveStatus(201);
    const order = await expectJson(response, 201);
    expect(order).toMatchObject({
      userId: customer.user.id,
      status: 'pending_payment',
      subtotal: 45.48,
      discountTotal: 0,
      discountCode: null,
      shippingCost: cart.shipping?.cost,
      total: cart.total,
      currency: 'USD',
      shippingAddress: address,
      carrier: null,
      trackingNumber: null,
      paidAt: null,
      shippedAt: null,
      deliveredAt: null,
      cancelledAt: null,
      cancelReason: null,
      refundedAt: null,
    });
    expect(order.items).toEqual(
      expect.arrayContaining([
        { productId: products[0].id, name: products[0].name, unitPrice: 19.99, quantity: 2, lineTotal: 39.98 },
        { productId: products[1].id, name: products[1].name, unitPrice: 5.5, quantity: 1, lineTotal: 5.5 },
      ]),
    );
    expect(order.payment?.intentId).toMatch(/^pi_/);
    expect(order.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('placing an order reserves the stock and empties the cart', async ({ customer, factory, checkout }) => {
    const { products } = await factory.productsInOwnCategory(2, () => ({ stock: 10 }));
    await checkout.cartReadyToOrder(customer, [{ product: products[0], quantity: 3 }, { product: products[1], quantity: 1 }]);

    await checkout.placeOrder(customer);

    expect(await checkout.stock(products[0])).toBe(7);
    expect(await checkout.stock(products[1])).toBe(9);
    expect((await checkout.cart(customer)).items).toEqual([]);
  });

  test('a discount code is carried onto the order', async ({ customer, factory, checkout }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ price: 40, stock: 10 }));
    const discount = await factory.discountCode({ percentOff: 10 });
    const cart = await checkout.cartReadyToOrder(customer, [{ product: products[0], quantity: 1 }], { discountCode: discount.code });

    const order = await checkout.placeOrder(customer);

    expect(order).toMatchObject({ subtotal: 40, discountTotal: 4, discountCode: discount.code, shippingCost: cart.shipping?.cost, total: cart.total });
  });

  test('an empty cart cannot be ordered: 400 CART_EMPTY', async ({ customer, checkout }) => {
    await checkout.shipTo(customer);

    await expectError(await customer.api.placeOrder({ paymentMethod: 'pm_card_visa' }), 400, 'CART_EMPTY');
    expect(await checkout.orderCount(customer)).toBe(0);
  });

  test('a cart without a shipping address cannot be ordered: 400 SHIPPING_ADDRESS_REQUIRED', async ({ customer, factory, checkout }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 4 }));
    await checkout.cartReadyToOrder(customer, [{ product: products[0] }], { address: null });

    await expectError(await customer.api.placeOrder({ paymentMethod: 'pm_card_visa' }), 400, 'SHIPPING_ADDRESS_REQUIRED');
    expect(await checkout.stock(products[0])).toBe(4);
    expect(await checkout.orderCount(customer)).toBe(0);
  });

  test('stock sold since the cart was filled: 409 OUT_OF_STOCK, nothing reserved and the cart kept', async ({ factory, checkout }) => {
    const { products } = await factory.productsInOwnCategory(2, () => ({ stock: 2 }));
    const [first, second] = [await factory.customer(), await factory.customer()];
    await checkout.cartReadyToOrder(first, [{ product: products[0], quantity: 2 }]);
    await checkout.cartReadyToOrder(second, [{ product: products[1], quantity: 1 }, { product: products[0], quantity: 2 }]);
    await checkout.placeOrder(first);

    const error = await expectError(await second.api.placeOrder({ paymentMethod: 'pm_card_visa' }), 409, 'OUT_OF_STOCK');

    expect(error.details).toEqual([{ field: 'items', message: `${products[0].id}: requested 2, available 0` }]);
    expect(await checkout.stock(products[1]), 'the other item’s reservation was rolled back too').toBe(2);
    expect((await checkout.cart(second)).items).toHaveLength(2);
    expect(await checkout.orderCount(second)).toBe(0);
  });

  test('a product deleted since the cart was filled: 400 INVALID_PRODUCT, nothing reserved', async ({ customer, factory, checkout, adminApi }) => {
    const { products } = await factory.productsInOwnCategory(2, () => ({ stock: 5 }));
    await checkout.cartReadyToOrder(customer, [{ product: products[0] }, { product: products[1] }]);
    await expect(await adminApi.deleteProduct(products[0].id, { ifMatch: products[0] })).toHaveStatus(204);

    await expectError(await customer.api.placeOrder({ paymentMethod: 'pm_card_visa' }), 400, 'INVALID_PRODUCT');

    expect(await checkout.stock(products[1])).toBe(5);
    expect(await checkout.orderCount(customer)).toBe(0);
  });

  test('the same Idempotency-Key places one order and charges once: the repeat answers 200 with the same order', async ({ customer, factory, checkout, payments }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 10 }));
    const paymentMethod = await payments.succeeding();
    const idempotencyKey = randomUUID();
    await checkout.cartReadyToOrder(customer, [{ product: products[0], quantity: 2 }]);

    const first = await checkout.attemptOrder(customer, { paymentMethod, idempotencyKey });
    await expect(first).toHaveStatus(201);
    const order = await expectJson(first, 201);

    await test.step('the same key again, even with the cart now empty', async () => {
      const repeat = await checkout.attemptOrder(customer, { paymentMethod, idempotencyKey });
      await expect(repeat).toHaveStatus(200);
      expect((await expectJson(repeat)).id).toBe(order.id);
    });

    await test.step('one order, one reservation, one charge', async () => {
      expect(await checkout.orderCount(customer)).toBe(1);
      expect(await checkout.stock(products[0])).toBe(8);
      const charges = (await payments.calls(paymentMethod)).filter((call) => call.method === 'POST' && call.path === '/v1/payment_intents');
      expect(charges, JSON.stringify(charges)).toHaveLength(1);
      expect(charges[0].idempotencyKey).toBe(`order-${order.id}`);
    });
  });

  test('the PaymentIntent asks the provider for the total in cents, in usd, with the order id and the placement’s correlation id in its metadata', async ({ customer, factory, checkout, payments }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ price: 12.34, stock: 10 }));
    await checkout.cartReadyToOrder(customer, [{ product: products[0], quantity: 3 }]);
    const correlationId = randomUUID();

    const order = await checkout.placeOrder(customer, { correlationId });

    const intent = await payments.paymentIntent(order.payment?.intentId ?? '');
    expect(intent).toMatchObject({ amount: Math.round(order.total * 100), currency: 'usd', payment_method: 'pm_card_visa' });
    expect(intent.metadata).toEqual({ orderId: order.id, correlationId });
  });

  test('placing an order needs a bearer token', async ({ api }) => {
    await expectError(await api.placeOrder({ paymentMethod: 'pm_card_visa' }), 401, 'UNAUTHENTICATED');
  });
});

test.describe('reading orders', { tag: ['@orders', '@api'] }, () => {
  test('a customer lists their own orders, newest first', async ({ customer, factory, checkout }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 10 }));
    const placed: Order[] = [];
    for (let index = 0; index < 3; index += 1) {
      await checkout.cartReadyToOrder(customer, [{ product: products[0] }]);
      placed.push(await checkout.placeOrder(customer));
    }

    const response = await customer.api.listOrders();

    await expect(response).toHaveStatus(200);
    const { data } = await expectJson(response);
    expect(data.map((order) => order.id)).toEqual(placed.map((order) => order.id).reverse());
  });

  test('another customer’s order is 404 ORDER_NOT_FOUND: read, history, cancel', async ({ factory, checkout, payments }) => {
    const [owner, other] = [await factory.customer(), await factory.customer()];
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 10 }));
    await checkout.cartReadyToOrder(owner, [{ product: products[0] }]);
    // No webhook will pay it during the test, so its status stays pending_payment.
    const order = await checkout.placeOrder(owner, { paymentMethod: await payments.succeedingWithoutWebhooks() });

    await expectError(await other.api.getOrder(order.id), 404, 'ORDER_NOT_FOUND');
    await expectError(await other.api.orderHistory(order.id), 404, 'ORDER_NOT_FOUND');
    await expectError(await other.api.cancelOrder(order.id), 404, 'ORDER_NOT_FOUND');
    expect((await other.api.listOrders().then((response) => response.json())).data).toEqual([]);
    expect((await checkout.order(order.id)).status, 'the owner’s order is untouched').toBe('pending_payment');
  });

  test('an unknown or non-UUID order id is 404 ORDER_NOT_FOUND', async ({ customer, adminApi }) => {
    for (const id of [randomUUID(), 'not-a-uuid']) {
      await expectError(await customer.api.getOrder(id), 404, 'ORDER_NOT_FOUND');
      await expectError(await adminApi.getOrder(id), 404, 'ORDER_NOT_FOUND');
    }
  });

  test('an admin lists every customer’s orders, filtered by status and by user', async ({ factory, checkout, adminApi, payments }) => {
    const [alice, bob] = [await factory.customer(), await factory.customer()];
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 10 }));
    const aliceOrder = await checkout.buy(alice, [{ product: products[0] }]);
    await checkout.cartReadyToOrder(bob, [{ product: products[0] }]);
    const bobOrder = await checkout.placeOrder(bob, { paymentMethod: await payments.succeedingWithoutWebhooks() });

    await test.step('?userId= lists only that customer’s', async () => {
      const { data } = await expectJson(await adminApi.listOrders({ userId: alice.user.id }));
      expect(data.map((order) => order.id)).toEqual([aliceOrder.id]);
    });

    await test.step('?status=paid&userId= lists the paid one; ?status=pending_payment the other', async () => {
      const paid = await expectJson(await adminApi.listOrders({ status: 'paid', userId: alice.user.id }));
      expect(paid.data.map((order) => order.id)).toEqual([aliceOrder.id]);
      const pending = await expectJson(await adminApi.listOrders({ status: 'pending_payment', userId: bob.user.id }));
      expect(pending.data.map((order) => order.id)).toEqual([bobOrder.id]);
      const none = await expectJson(await adminApi.listOrders({ status: 'paid', userId: bob.user.id }));
      expect(none.data).toEqual([]);
    });

    await test.step('every order in a ?status= listing has that status', async () => {
      const { data } = await expectJson(await adminApi.listOrders({ status: 'pending_payment' }));
      expect(data.map((order) => order.id)).toContain(bobOrder.id);
      expect(new Set(data.map((order) => order.status))).toEqual(new Set(['pending_payment']));
    });
  });
});
