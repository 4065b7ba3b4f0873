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
} from '../../fixtures';

test.describe('journey: a purchase, through the API', { tag: ['@orders', '@payments', '@events', '@mail', '@journey'] }, () => {
  test('add to cart, discount, address, order, paid by webhook, confirmation mail, shipped, shipping mail, delivered, verified review', async ({
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

    const order = await test.step('4. place the order: 201 pending_payment, stock reserved, cart emptied, orders.created', async () => {
      const placed: Order = await checkout.placeOrder(customer);
      expect(placed).toMatchObject({ subtotal: 101, discountTotal: 10.1, discountCode: discount.code, shippingCost: env.shippingFlatRate, total, shippingAddress: address });
      expect(await checkout.stock(lamp)).toBe(9);
      expect(await checkout.stock(bulb)).toBe(8);
      expect((await checkout.cart(customer)).items).toEqual([]);
      const created = await events.waitFor<OrderCreatedPayload>('orders.created', { orderId: placed.id });
      expect(created.envelope.payload).toMatchObject({ userId: customer.user.id, sequence: 1, total });
      return placed;
    });

    await test.step('5. the provider’s payment_intent.succeeded webhook makes it paid: orders.paid', async () => {
      const paid = await events.waitFor<OrderPaidPayload>('orders.paid', { orderId: order.id });
      expect(paid.envelope.payload).toMatchObject({ sequence: 2, amount: total, currency: 'USD', paymentIntentId: order.payment?.intentId });
      await expect(checkout.ref(order, customer.api)).toHaveStatus('paid');
      const deliveries = await payments.deliveries(order.payment?.intentId ?? '');
      expect(deliveries.filter((attempt) => attempt.type === 'payment_intent.succeeded').map((attempt) => attempt.status)).toContain(200);
    });

    await test.step('6. the confirmation mail names the order, its items and the total', async () => {
      const mail = await mailbox.waitForEmail({ to: customer.email, subject: orderMailSubject('confirmation', order.id) });
      expect(mail).toBeOrderMail('confirmation', order);
    });

    const shipped = await test.step('7. the admin ships it: orders.shipped', async () => {
      const response = await adminApi.shipOrder(order.id, shipment);
      await expect(response).toHaveStatus(200);
      const shippedOrder = await expectJson(response);
      expect(shippedOrder).toMatchObject({ status: 'shipped', ...shipment });
      const event = await events.waitFor<OrderShippedPayload>('orders.shipped', { orderId: order.id });
      expect(event.envelope.payload).toMatchObject({ sequence: 3, ...shipment });
      return shippedOrder;
    });

    await test.step('8. the shipping mail gives the carrier and the tracking number', async () => {
      const mail = await mailbox.waitForEmail({ to: customer.email, subject: orderMailSubject('shipped', order.id) });
      expect(mail).toBeOrderMail('shipped', shipped);
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
