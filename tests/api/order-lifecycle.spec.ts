import { test, expect, expectJson, expectError, detailsByField, type Order, type OrderCancelledPayload } from '../../fixtures';

test.describe('order lifecycle', { tag: ['@orders', '@api'] }, () => {
  test('an admin ships a paid order with a carrier and a tracking number, then marks it delivered', async ({ customer, factory, checkout, adminApi }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    const paid = await checkout.buy(customer, [{ product: products[0] }]);
    expect(paid.paidAt).not.toBeNull();

    const shipped = await test.step('ship', async () => {
      const response = await adminApi.shipOrder(paid.id, { carrier: 'UPS', trackingNumber: '1Z999AA10123456784' });
      await expect(response).toHaveStatus(200);
      const order = await expectJson(response);
      expect(order).toMatchObject({ status: 'shipped', carrier: 'UPS', trackingNumber: '1Z999AA10123456784' });
      expect(Date.parse(order.shippedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(paid.paidAt ?? ''));
      return order;
    });

    await test.step('deliver', async () => {
      const response = await adminApi.deliverOrder(paid.id);
      await expect(response).toHaveStatus(200);
      const order = await expectJson(response);
      expect(order.status).toBe('delivered');
      expect(Date.parse(order.deliveredAt ?? '')).toBeGreaterThanOrEqual(Date.parse(shipped.shippedAt ?? ''));
    });

    await test.step('the customer reads it delivered', async () => {
      expect((await checkout.order(paid.id, customer.api)).status).toBe('delivered');
    });
  });

  test('the owner cancels an order awaiting payment: cancelled, stock released, orders.cancelled not refunded', async ({ customer, factory, checkout, payments, events }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 6 }));
    await checkout.cartReadyToOrder(customer, [{ product: products[0], quantity: 4 }]);
    const order = await checkout.placeOrder(customer, { paymentMethod: await payments.succeedingWithoutWebhooks() });
    expect(await checkout.stock(products[0])).toBe(2);

    const response = await customer.api.cancelOrder(order.id);

    await expect(response).toHaveStatus(200);
    const cancelled = await expectJson(response);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.cancelledAt).not.toBeNull();
    expect(await checkout.stock(products[0])).toBe(6);
    const event = await events.waitFor<OrderCancelledPayload>('orders.cancelled', { orderId: order.id });
    expect(event.envelope.payload).toMatchObject({ userId: customer.user.id, refunded: false, sequence: 2 });
  });

  test('an admin cancels a paid order: it is refunded through the provider and its stock released', async ({ customer, factory, checkout, adminApi, payments, events }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 3 }));
    const order = await checkout.buy(customer, [{ product: products[0], quantity: 2 }]);

    const response = await adminApi.cancelOrder(order.id);

    await expect(response).toHaveStatus(200);
    expect(await expectJson(response)).toMatchObject({ status: 'cancelled', refundedAt: expect.any(String) });
    expect(await checkout.stock(products[0])).toBe(3);
    const event = await events.waitFor<OrderCancelledPayload>('orders.cancelled', { orderId: order.id });
    expect(event.envelope.payload).toMatchObject({ refunded: true, sequence: 3 });
    const charge = await payments.latestCharge(order.payment?.intentId ?? '');
    expect(charge.amount_refunded, 'the provider refunded the whole amount').toBe(charge.amount);
  });

  test('an admin cancels an order awaiting payment: cancelled, stock released, nothing to refund', async ({ customer, factory, checkout, adminApi, payments, events }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 4 }));
    await checkout.cartReadyToOrder(customer, [{ product: products[0], quantity: 3 }]);
    const order = await checkout.placeOrder(customer, { paymentMethod: await payments.succeedingWithoutWebhooks() });

    await expect(await adminApi.cancelOrder(order.id)).toHaveStatus(200);

    expect((await checkout.order(order.id, customer.api)).status).toBe('cancelled');
    expect(await checkout.stock(products[0])).toBe(4);
    const event = await events.waitFor<OrderCancelledPayload>('orders.cancelled', { orderId: order.id });
    expect(event.envelope.payload).toMatchObject({ refunded: false, sequence: 2 });
  });

  test('an action its status does not allow is 400 INVALID_STATUS_TRANSITION, saying from what to what', async ({ customer, factory, checkout, adminApi, payments }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 10 }));
    await checkout.cartReadyToOrder(customer, [{ product: products[0] }]);
    const pending = await checkout.placeOrder(customer, { paymentMethod: await payments.succeedingWithoutWebhooks() });
    const paid = await checkout.buy(customer, [{ product: products[0] }]);
    const shipped = await checkout.buy(customer, [{ product: products[0] }]);
    await checkout.ship(shipped.id);
    const delivered = await checkout.delivered(customer, [{ product: products[0] }]);
    const cancelled = await checkout.buy(customer, [{ product: products[0] }]);
    await expect(await adminApi.cancelOrder(cancelled.id)).toHaveStatus(200);

    const ship = (order: Order) => adminApi.shipOrder(order.id, { carrier: 'DHL', trackingNumber: 'JD014600006281230704' });
    const cases: Array<{ order: Order; action: string; from: string; to: string; call: () => ReturnType<typeof ship> }> = [
      { order: pending, action: 'ship', from: 'pending_payment', to: 'shipped', call: () => ship(pending) },
      { order: pending, action: 'deliver', from: 'pending_payment', to: 'delivered', call: () => adminApi.deliverOrder(pending.id) },
      { order: paid, action: 'deliver', from: 'paid', to: 'delivered', call: () => adminApi.deliverOrder(paid.id) },
      { order: shipped, action: 'ship again', from: 'shipped', to: 'shipped', call: () => ship(shipped) },
      { order: shipped, action: 'cancel', from: 'shipped', to: 'cancelled', call: () => adminApi.cancelOrder(shipped.id) },
      { order: delivered, action: 'cancel', from: 'delivered', to: 'cancelled', call: () => adminApi.cancelOrder(delivered.id) },
      { order: delivered, action: 'ship', from: 'delivered', to: 'shipped', call: () => ship(delivered) },
      { order: cancelled, action: 'ship', from: 'cancelled', to: 'shipped', call: () => ship(cancelled) },
      { order: cancelled, action: 'cancel again', from: 'cancelled', to: 'cancelled', call: () => adminApi.cancelOrder(cancelled.id) },
    ];
    for (const { order, action, from, to, call } of cases) {
      await test.step(`${action} a ${from} order`, async () => {
        const error = await expectError(await call(), 400, 'INVALID_STATUS_TRANSITION');
        expect(error.details).toEqual([{ field: 'status', message: `cannot go from ${from} to ${to}` }]);
        expect((await checkout.order(order.id)).status, 'the order keeps its status').toBe(from);
      });
    }
  });

  test('shipping needs a carrier and a tracking number of 1 to 64 characters', async ({ customer, factory, checkout, adminApi }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    const order = await checkout.buy(customer, [{ product: products[0] }]);

    for (const [why, body, field] of [
      ['no carrier', { trackingNumber: 'T-1' }, 'carrier'],
      ['an empty tracking number', { carrier: 'DHL', trackingNumber: '' }, 'trackingNumber'],
      ['a carrier of 65 characters', { carrier: 'C'.repeat(65), trackingNumber: 'T-1' }, 'carrier'],
      ['a tracking number of 65 characters', { carrier: 'DHL', trackingNumber: '9'.repeat(65) }, 'trackingNumber'],
    ] as const) {
      await test.step(why, async () => {
        const error = await expectError(await adminApi.shipOrder(order.id, body), 400, 'VALIDATION_ERROR');
        expect(Object.keys(detailsByField(error))).toEqual([field]);
      });
    }
    expect((await checkout.order(order.id)).status).toBe('paid');
  });

  test('a customer cannot ship or deliver, even their own order: 403 FORBIDDEN', async ({ customer, factory, checkout }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    const order = await checkout.buy(customer, [{ product: products[0] }]);

    await expectError(await customer.api.shipOrder(order.id, { carrier: 'DHL', trackingNumber: 'T-1' }), 403, 'FORBIDDEN');
    await expectError(await customer.api.deliverOrder(order.id), 403, 'FORBIDDEN');
    expect((await checkout.order(order.id)).status).toBe('paid');
  });

  test('the order history lists each status with the event that caused it, oldest first', async ({ customer, factory, checkout, events }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    const order = await checkout.delivered(customer, [{ product: products[0] }]);
    const [created, paid, shipped, delivered] = await Promise.all(
      (['orders.created', 'orders.paid', 'orders.shipped', 'orders.delivered'] as const).map((topic) => events.waitFor(topic, { orderId: order.id })),
    );

    // The history is a projection built by a consumer: it catches up shortly after the events.
    await expect
      .poll(async () => (await expectJson(await customer.api.orderHistory(order.id))).data.map((entry) => entry.status))
      .toEqual(['pending_payment', 'paid', 'shipped', 'delivered']);

    const { data } = await expectJson(await customer.api.orderHistory(order.id));
    expect(data.map((entry) => entry.eventId)).toEqual([created, paid, shipped, delivered].map((event) => event.envelope.eventId));
    const times = data.map((entry) => Date.parse(entry.occurredAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});
