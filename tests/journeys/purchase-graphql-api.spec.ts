import {
  test,
  expect,
  expectData,
  env,
  cents,
  dollars,
  orderMailSubject,
  gqlDocuments as gq,
  type Order,
  type OrderCreatedPayload,
  type OrderPaidPayload,
  type OrderShippedPayload,
} from '../../fixtures';

/**
 * The purchase of journeys/purchase-api.spec.ts, with every step of the customer's through POST /graphql: the same
 * amounts, and its events and mails asserted with the same matchers, since GraphQL calls the same services.
 */
test.describe('journey: a purchase, through GraphQL', { tag: ['@orders', '@payments', '@events', '@mail', '@journey'] }, () => {
  test('add to cart, discount, address, order, paid by webhook, confirmation mail, shipped, shipping mail, history', async ({
    graphql,
    customer,
    factory,
    checkout,
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
    const shop = graphql.as(customer);

    await test.step('1. add a lamp and two bulbs to the cart', async () => {
      expectData(await shop.request(gq.ADD_CART_ITEM, { productId: lamp.id, quantity: 1 }));
      const cart = expectData(await shop.request(gq.ADD_CART_ITEM, { productId: bulb.id, quantity: 2 })).addCartItem;
      expect(cart?.items).toHaveLength(2);
      expect(cart?.subtotal).toBe(101);
    });

    await test.step('2. apply a 10% discount code', async () => {
      const cart = expectData(await shop.request(gq.APPLY_DISCOUNT, { code: discount.code })).applyDiscount;
      expect(cart?.discount).toEqual({ code: discount.code, amount: 10.1 });
    });

    await test.step('3. set the shipping address: the discounted subtotal is under 100, so the flat rate applies', async () => {
      const cart = expectData(await shop.request(gq.SET_SHIPPING_ADDRESS, { address })).setShippingAddress;
      expect(cart?.shipping).toEqual({ address, cost: env.shippingFlatRate });
      expect(cart?.total).toBe(total);
    });

    const order = await test.step('4. place the order: pending_payment, stock reserved, cart emptied, orders.created', async () => {
      const placement = expectData(await shop.request(gq.PLACE_ORDER, { paymentMethod: 'pm_card_visa' })).placeOrder;
      expect(placement?.created).toBe(true);
      const placed: Order = placement!.order;
      expect(placed).toMatchObject({ status: 'pending_payment', subtotal: 101, discountTotal: 10.1, discountCode: discount.code, shippingCost: env.shippingFlatRate, total, shippingAddress: address });
      const stock = async (id: string) => expectData(await shop.request(gq.PRODUCT, { id })).product?.stock;
      expect(await stock(lamp.id)).toBe(9);
      expect(await stock(bulb.id)).toBe(8);
      expect(expectData(await shop.request(gq.CART)).cart?.items).toEqual([]);
      const created = await events.waitFor<OrderCreatedPayload>('orders.created', { orderId: placed.id });
      expect(created.envelope.payload).toMatchObject({ userId: customer.user.id, sequence: 1, total });
      return placed;
    });

    await test.step('5. the provider’s payment_intent.succeeded webhook makes it paid: orders.paid', async () => {
      const paid = await events.waitFor<OrderPaidPayload>('orders.paid', { orderId: order.id });
      expect(paid.envelope.payload).toMatchObject({ sequence: 2, amount: total, currency: 'USD', paymentIntentId: order.payment?.intentId });
      await expect.poll(async () => expectData(await shop.request(gq.ORDER, { id: order.id })).order?.status).toBe('paid');
      const deliveries = await payments.deliveries(order.payment?.intentId ?? '');
      expect(deliveries.filter((attempt) => attempt.type === 'payment_intent.succeeded').map((attempt) => attempt.status)).toContain(200);
    });

    await test.step('6. the confirmation mail names the order, its items and the total', async () => {
      const mail = await mailbox.waitForEmail({ to: customer.email, subject: orderMailSubject('confirmation', order.id) });
      expect(mail).toBeOrderMail('confirmation', order);
    });

    const shipped = await test.step('7. the admin ships it (REST: GraphQL has no admin mutations): orders.shipped, and the order reads shipped', async () => {
      await checkout.ship(order.id, shipment);
      const event = await events.waitFor<OrderShippedPayload>('orders.shipped', { orderId: order.id });
      expect(event.envelope.payload).toMatchObject({ sequence: 3, ...shipment });
      const read = expectData(await shop.request(gq.ORDER, { id: order.id })).order;
      expect(read).toMatchObject({ status: 'shipped', ...shipment });
      return read!;
    });

    await test.step('8. the shipping mail gives the carrier and the tracking number', async () => {
      const mail = await mailbox.waitForEmail({ to: customer.email, subject: orderMailSubject('shipped', order.id) });
      expect(mail).toBeOrderMail('shipped', shipped);
    });

    await test.step('9. the history reads the whole way, and the order is among the customer’s orders', async () => {
      await expect
        .poll(async () => expectData(await shop.request(gq.ORDER_HISTORY, { orderId: order.id })).orderHistory?.map((entry) => entry.status))
        .toEqual(['pending_payment', 'paid', 'shipped']);
      expect(expectData(await shop.request(gq.ORDERS)).orders?.map((listed) => listed.id)).toEqual([order.id]);
    });
  });
});
