import { randomUUID } from 'node:crypto';
import {
  test,
  expect,
  expectError,
  TEST_CARDS,
  type OrderCancelledPayload,
  type OrderCreatedPayload,
  type OrderDeliveredPayload,
  type OrderShippedPayload,
  UUID,
} from '../../fixtures';


test.describe('order events', { tag: ['@orders', '@events'] }, () => {
  test('an order’s life publishes created, paid, shipped, delivered: keyed by the order, valid, sequence 1 to 4', async ({ customer, factory, checkout, events }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    const order = await checkout.delivered(customer, [{ product: products[0] }]);

    const topics = ['orders.created', 'orders.paid', 'orders.shipped', 'orders.delivered'] as const;
    for (const [index, topic] of topics.entries()) {
      await test.step(topic, async () => {
        const event = await events.waitFor(topic, { orderId: order.id });
        expect(event.envelope).toMatchEventContract(topic);
        expect(event.envelope).toMatchObject({ type: topic, version: 1, eventId: expect.stringMatching(UUID), correlationId: expect.stringMatching(UUID) });
        expect(event.key, 'the Kafka key is the order id').toBe(order.id);
        expect(event.envelope.payload).toMatchObject({ orderId: order.id, userId: customer.user.id, sequence: index + 1 });
      });
    }
    const all = await events.orderEvents(order.id);
    expect(all.map((event) => event.topic), 'nothing else was published for the order').toEqual([...topics]);
  });

  test('orders.created carries the order’s items and amounts', async ({ customer, factory, checkout, events }) => {
    const { products } = await factory.productsInOwnCategory(2, (index) => ({ price: [30, 7.45][index], stock: 5 }));
    const discount = await factory.discountCode({ amountOff: 5 });
    await checkout.cartReadyToOrder(customer, [{ product: products[0] }, { product: products[1], quantity: 2 }], { discountCode: discount.code });

    const order = await checkout.placeOrder(customer);

    const created = await events.waitFor<OrderCreatedPayload>('orders.created', { orderId: order.id });
    expect(created.envelope.payload).toEqual({
      orderId: order.id,
      userId: customer.user.id,
      sequence: 1,
      items: expect.arrayContaining([
        { productId: products[0].id, quantity: 1, unitPrice: 30 },
        { productId: products[1].id, quantity: 2, unitPrice: 7.45 },
      ]),
      subtotal: 44.9,
      discountTotal: 5,
      shippingCost: order.shippingCost,
      total: order.total,
      currency: 'USD',
    });
  });

  test('orders.shipped and orders.delivered carry the shipment and its times', async ({ customer, factory, checkout, events }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    const order = await checkout.buy(customer, [{ product: products[0] }]);

    const shipped = await checkout.ship(order.id, { carrier: 'FedEx', trackingNumber: 'FX-449044304137821' });
    const delivered = await checkout.deliver(order.id);

    const shippedEvent = await events.waitFor<OrderShippedPayload>('orders.shipped', { orderId: order.id });
    expect(shippedEvent.envelope.payload).toMatchObject({ carrier: 'FedEx', trackingNumber: 'FX-449044304137821', sequence: 3 });
    expect(Date.parse(shippedEvent.envelope.payload.shippedAt)).toBe(Date.parse(shipped.shippedAt ?? ''));
    const deliveredEvent = await events.waitFor<OrderDeliveredPayload>('orders.delivered', { orderId: order.id });
    expect(Date.parse(deliveredEvent.envelope.payload.deliveredAt)).toBe(Date.parse(delivered.deliveredAt ?? ''));
  });

  test('orders.cancelled says who cancelled and whether the payment was refunded', async ({ factory, checkout, events, adminApi, payments }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    const owner = await factory.customer();
    await checkout.cartReadyToOrder(owner, [{ product: products[0] }]);
    const pending = await checkout.placeOrder(owner, { paymentMethod: await payments.succeedingWithoutWebhooks() });
    const paid = await checkout.buy(owner, [{ product: products[0] }]);

    await expect(await owner.api.cancelOrder(pending.id)).toHaveStatus(200);
    await expect(await adminApi.cancelOrder(paid.id)).toHaveStatus(200);

    const byOwner = await events.waitFor<OrderCancelledPayload>('orders.cancelled', { orderId: pending.id });
    expect(byOwner.envelope.payload).toMatchObject({ reason: 'customer_request', refunded: false, sequence: 2 });
    const byAdmin = await events.waitFor<OrderCancelledPayload>('orders.cancelled', { orderId: paid.id });
    expect(byAdmin.envelope.payload).toMatchObject({ reason: 'admin_request', refunded: true, sequence: 3 });
  });

  test('the events of a request carry its X-Correlation-Id, the webhook-driven orders.paid the placement’s', async ({ customer, factory, checkout, events, adminApi }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    const placing = randomUUID();
    const shipping = randomUUID();
    await checkout.cartReadyToOrder(customer, [{ product: products[0] }]);
    const order = await checkout.placeOrder(customer, { correlationId: placing });
    await expect(checkout.ref(order)).toHaveStatus('paid');

    await expect(await adminApi.shipOrder(order.id, { carrier: 'DHL', trackingNumber: 'T-42' }, { correlationId: shipping })).toHaveStatus(200);

    expect((await events.waitFor('orders.created', { orderId: order.id })).envelope.correlationId).toBe(placing);
    expect((await events.waitFor('orders.shipped', { orderId: order.id })).envelope.correlationId).toBe(shipping);
    const paid = await events.waitFor('orders.paid', { orderId: order.id });
    expect(paid.envelope.correlationId, 'the payment webhook acts for the placement').toBe(placing);
  });
});

test.describe('no event when an action fails', { tag: ['@orders', '@events', '@failure'] }, () => {
  test('a refused payment publishes no orders.created', async ({ customer, factory, checkout, events }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    await checkout.cartReadyToOrder(customer, [{ product: products[0] }]);

    await expectError(await checkout.attemptOrder(customer, { paymentMethod: TEST_CARDS.insufficientFunds }), 402, 'PAYMENT_FAILED');

    await expect(events).not.toHavePublished('orders.created', { userId: customer.user.id });
  });

  test('an order refused for stock publishes no orders.created', async ({ factory, checkout, events, adminApi }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 2 }));
    const customer = await factory.customer();
    await checkout.cartReadyToOrder(customer, [{ product: products[0], quantity: 2 }]);
    await expect(await adminApi.updateProduct(products[0].id, { stock: 1 }, { ifMatch: products[0] })).toHaveStatus(200);

    await expectError(await customer.api.placeOrder({ paymentMethod: TEST_CARDS.visa }), 409, 'OUT_OF_STOCK');

    await expect(events).not.toHavePublished('orders.created', { userId: customer.user.id });
  });

  test('a refused transition publishes nothing: no orders.shipped, no orders.delivered, no orders.cancelled', async ({ customer, factory, checkout, events, adminApi, payments }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    await checkout.cartReadyToOrder(customer, [{ product: products[0] }]);
    const pending = await checkout.placeOrder(customer, { paymentMethod: await payments.succeedingWithoutWebhooks() });
    const delivered = await checkout.delivered(customer, [{ product: products[0] }]);

    await expectError(await adminApi.shipOrder(pending.id, { carrier: 'DHL', trackingNumber: 'T-1' }), 400, 'INVALID_STATUS_TRANSITION');
    await expectError(await adminApi.deliverOrder(pending.id), 400, 'INVALID_STATUS_TRANSITION');
    await expectError(await adminApi.cancelOrder(delivered.id), 400, 'INVALID_STATUS_TRANSITION');

    await expect(events).not.toHavePublished('orders.shipped', { orderId: pending.id });
    await expect(events).not.toHavePublished('orders.delivered', { orderId: pending.id });
    await expect(events).not.toHavePublished('orders.cancelled', { orderId: delivered.id });
  });

  test('a cancel by someone else’s customer publishes no orders.cancelled', async ({ factory, checkout, events, payments }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    const [owner, stranger] = [await factory.customer(), await factory.customer()];
    await checkout.cartReadyToOrder(owner, [{ product: products[0] }]);
    const order = await checkout.placeOrder(owner, { paymentMethod: await payments.succeedingWithoutWebhooks() });

    await expectError(await stranger.api.cancelOrder(order.id), 404, 'ORDER_NOT_FOUND');

    await expect(events).not.toHavePublished('orders.cancelled', { orderId: order.id });
  });
});
