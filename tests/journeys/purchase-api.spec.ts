import {
  test,
  expect,
  expectJson,
  env,
  cents,
  dollars,
  orderMailSubject,
  type Order,
  type OrderCreatedPayload,
  type OrderDeliveredPayload,
  type OrderPaidPayload,
  type OrderShippedPayload,
  type Review,
  UUID,
} from '../../fixtures';


test.describe('journey: a purchase, through the API', { tag: ['@orders', '@payments', '@events', '@mail', '@journey'] }, () => {
  test('add to cart, discount, address, order, paid by webhook, confirmation mail, shipped, shipping mail, delivered, verified review; each event and mail names the action that caused it', async ({
    customer,
    factory,
    checkout,
    adminApi,
    events,
    mailbox,
    payments,
  }) => {
    const { products } = await factory.productsInOwnCategory(2, (index) => ({ price: [64, 18.5][index], stock: 10 }));
    const [lamp, bulb] = products;
    const discount = await factory.discountCode({ percentOff: 10 });
    const address = factory.address('US');
    // 101 - 10% = 90.90: under the free-shipping threshold, so the flat rate applies.
    const total = dollars(cents(101) - cents(10.1) + cents(env.shippingFlatRate));
    const shipment = { carrier: 'UPS', trackingNumber: `1Z${factory.faker.string.alphanumeric({ length: 16, casing: 'upper' })}` };

    await test.step('1. add a lamp and two bulbs to the cart', async () => {
      await checkout.add(customer, lamp, 1);
      const cart = await checkout.add(customer, bulb, 2);
      expect(cart.items).toHaveLength(2);
      expect(cart.subtotal).toBe(101);
    });

    await test.step('2. apply a 10% discount code', async () => {
      const cart = await checkout.applyDiscount(customer, discount.code);
      expect(cart.discount).toEqual({ code: discount.code, amount: 10.1 });
    });

    await test.step('3. set the shipping address: the discounted subtotal is under 100, so the flat rate applies', async () => {
      const response = await customer.api.setShippingAddress(address);
      await expect(response).toHaveStatus(200);
      const withAddress = await expectJson(response);
      expect(withAddress.shipping).toEqual({ address, cost: env.shippingFlatRate });
      expect(withAddress.total).toBe(total);
    });

    const { order, placement } = await test.step('4. place the order: 201 pending_payment, stock reserved, cart emptied, orders.created under the answer’s correlation id', async () => {
      const response = await checkout.attemptOrder(customer);
      const placed: Order = await expectJson(response, 201);
      expect(placed.status).toBe('pending_payment');
      // The shop chose the id (none was sent): every event and mail this placement causes must carry it.
      const correlationId = response.headers()['x-correlation-id'];
      expect(correlationId, 'POST /api/orders names its correlation id').toMatch(UUID);
      expect(placed).toMatchObject({ subtotal: 101, discountTotal: 10.1, discountCode: discount.code, shippingCost: env.shippingFlatRate, total, shippingAddress: address });
      expect(await checkout.stock(lamp)).toBe(9);
      expect(await checkout.stock(bulb)).toBe(8);
      expect((await checkout.cart(customer)).items).toEqual([]);
      const created = await events.waitFor<OrderCreatedPayload>('orders.created', { orderId: placed.id });
      expect(created.envelope.payload).toMatchObject({ userId: customer.user.id, sequence: 1, total });
      expect(created.envelope.correlationId).toBe(correlationId);
      expect(created.headers['correlation-id']).toBe(correlationId);
      return { order: placed, placement: correlationId };
    });

    await test.step('5. the provider’s payment_intent.succeeded webhook makes it paid: orders.paid, under the placement’s correlation id', async () => {
      const paid = await events.waitFor<OrderPaidPayload>('orders.paid', { orderId: order.id });
      expect(paid.envelope.payload).toMatchObject({ sequence: 2, amount: total, currency: 'USD', paymentIntentId: order.payment?.intentId });
      // Caused by the webhook's request, yet it names the customer's placement: the shop gave the id to the provider.
      expect(paid.envelope.correlationId).toBe(placement);
      expect(paid.headers['correlation-id']).toBe(placement);
      await expect(checkout.ref(order, customer.api)).toHaveStatus('paid');
      const deliveries = await payments.deliveries(order.payment?.intentId ?? '');
      const succeeded = deliveries.filter((attempt) => attempt.type === 'payment_intent.succeeded');
      expect(succeeded.map((attempt) => attempt.status)).toContain(200);
      const delivered = JSON.parse(succeeded[0].request.body) as { data: { object: { metadata: Record<string, string> } } };
      expect(delivered.data.object.metadata).toEqual({ orderId: order.id, correlationId: placement });
      // The webhook's answer has an id of its own: the request that carried the event, not the action that caused it.
      expect(succeeded[0].response?.headers['x-correlation-id']).toMatch(UUID);
      expect(succeeded[0].response?.headers['x-correlation-id']).not.toBe(placement);
    });

    await test.step('6. the confirmation mail names the order, its items and the total, and the placement in its X-Correlation-Id', async () => {
      const mail = await mailbox.waitForEmail({ to: customer.email, subject: orderMailSubject('confirmation', order.id) });
      expect(mail).toBeOrderMail('confirmation', order);
      expect(mail.headers['x-correlation-id']).toBe(placement);
    });

    const { shipped, shipping } = await test.step('7. the admin ships it: orders.shipped, under the admin request’s correlation id', async () => {
      const response = await adminApi.shipOrder(order.id, shipment);
      await expect(response).toHaveStatus(200);
      const shippedOrder = await expectJson(response);
      expect(shippedOrder).toMatchObject({ status: 'shipped', ...shipment });
      const correlationId = response.headers()['x-correlation-id'];
      expect(correlationId).toMatch(UUID);
      expect(correlationId).not.toBe(placement);
      const event = await events.waitFor<OrderShippedPayload>('orders.shipped', { orderId: order.id });
      expect(event.envelope.payload).toMatchObject({ sequence: 3, ...shipment });
      expect(event.envelope.correlationId).toBe(correlationId);
      return { shipped: shippedOrder, shipping: correlationId };
    });

    await test.step('8. the shipping mail gives the carrier and the tracking number, and names the admin’s request', async () => {
      const mail = await mailbox.waitForEmail({ to: customer.email, subject: orderMailSubject('shipped', order.id) });
      expect(mail).toBeOrderMail('shipped', shipped);
      expect(mail.headers['x-correlation-id']).toBe(shipping);
    });

    await test.step('9. the admin marks it delivered: orders.delivered, and the history reads the whole way', async () => {
      await expect(await adminApi.deliverOrder(order.id)).toHaveStatus(200);
      const event = await events.waitFor<OrderDeliveredPayload>('orders.delivered', { orderId: order.id });
      expect(event.envelope.payload.sequence).toBe(4);
      await expect
        .poll(async () => (await expectJson(await customer.api.orderHistory(order.id))).data.map((entry) => entry.status))
        .toEqual(['pending_payment', 'paid', 'shipped', 'delivered']);
    });

    await test.step('10. the customer reviews the lamp: a verified review, listed on the product', async () => {
      const response = await customer.api.postReview(lamp.id, { rating: 5, comment: 'Warm light, arrived quickly.' });
      await expect(response).toHaveStatus(201);
      const review = await expectJson(response, 201);
      expect(review).toMatchObject({ verified: true, authorName: customer.name, rating: 5 });
      const list = await (await customer.api.listReviews(lamp.id)).json();
      expect(list.data.map((entry: Review) => entry.id)).toEqual([review.id]);
    });
  });
});
