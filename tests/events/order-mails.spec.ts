import { randomUUID } from 'node:crypto';
import { test, expect, env, orderMailSubject, type OrderCancelledPayload, type OrderPaymentFailedPayload } from '../../fixtures';

const senderAddress = () => env.mailFrom.match(/<([^>]+)>/)?.[1] ?? env.mailFrom;

test.describe('order mails', { tag: ['@orders', '@events', '@mail'] }, () => {
  test('a paid order gets the confirmation mail naming the order, its items and total, recorded against orders.paid', async ({ customer, factory, checkout, mailbox, db }) => {
    const { products } = await factory.productsInOwnCategory(2, (index) => ({ price: [18, 4.2][index], stock: 5 }));
    await checkout.cartReadyToOrder(customer, [{ product: products[0] }, { product: products[1], quantity: 3 }]);

    const { order, paid } = await checkout.payAndWaitPaid(customer);

    const mail = await mailbox.waitForEmail({ to: customer.email, subject: orderMailSubject('confirmation', order.id) });
    expect(mail).toBeOrderMail('confirmation', order);
    expect(mail.from).toContain(senderAddress());
    await expect
      .poll(async () => (await db.notificationsOfKind(customer.email, 'order_confirmation')).map((row) => row.eventId))
      .toEqual([paid.envelope.eventId]);
  });

  test('a shipped order gets the shipping mail with the carrier and tracking number', async ({ customer, factory, checkout, mailbox, db, events }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    const order = await checkout.buy(customer, [{ product: products[0] }]);

    const shipped = await checkout.ship(order.id, { carrier: 'Royal Mail', trackingNumber: 'RM123456785GB' });

    const mail = await mailbox.waitForEmail({ to: customer.email, subject: orderMailSubject('shipped', order.id) });
    expect(mail).toBeOrderMail('shipped', shipped);
    const event = await events.waitFor('orders.shipped', { orderId: order.id });
    await expect.poll(async () => (await db.notificationsOfKind(customer.email, 'order_shipped')).map((row) => row.eventId)).toEqual([event.envelope.eventId]);
  });

  test('a payment that fails after the order was placed gets the payment-failed mail with the reason, both naming the placement', async ({ customer, factory, checkout, payments, mailbox, events, db }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    await checkout.cartReadyToOrder(customer, [{ product: products[0] }]);
    const placement = randomUUID();

    const order = await checkout.placeOrder(customer, { paymentMethod: await payments.failingAsynchronously('card_declined'), correlationId: placement });

    const failed = await events.waitFor<OrderPaymentFailedPayload>('orders.payment_failed', { orderId: order.id });
    // Driven by the provider's webhook, yet caused by the customer's placement.
    expect(failed.envelope.correlationId).toBe(placement);
    const mail = await mailbox.waitForEmail({ to: customer.email, subject: orderMailSubject('payment_failed', order.id) });
    expect(mail).toBeOrderMail('payment_failed', order, { reason: failed.envelope.payload.reason });
    expect(mail.headers['x-correlation-id']).toBe(placement);
    await expect.poll(async () => (await db.notificationsOfKind(customer.email, 'payment_failed')).length).toBe(1);
  });

  test("an admin's cancel of a paid order refunds it and mails the customer the whole total refunded, recorded against orders.cancelled, naming the cancel request", async ({
    customer,
    factory,
    checkout,
    adminApi,
    mailbox,
    events,
    db,
  }) => {
    // Every term of the total is non-zero, so a refund that dropped one (discount, shipping) would show.
    const { products } = await factory.productsInOwnCategory(2, (index) => ({ price: [18, 4.2][index], stock: 5 }));
    const discount = await factory.discountCode({ amountOff: 5 });
    await checkout.cartReadyToOrder(customer, [{ product: products[0] }, { product: products[1], quantity: 3 }], { discountCode: discount.code });
    const { order } = await checkout.payAndWaitPaid(customer);
    expect(order.subtotal).toBe(30.6);
    expect(order.discountTotal).toBe(5);
    expect(order.shippingCost).toBeGreaterThan(0);
    const refunded = `$${order.total.toFixed(2)}`;

    const cancel = await adminApi.cancelOrder(order.id);
    await expect(cancel).toHaveStatus(200);

    const cancelled = await events.waitFor<OrderCancelledPayload>('orders.cancelled', { orderId: order.id });
    expect(cancelled.envelope.payload).toMatchObject({ reason: 'admin_request', refunded: true });
    expect(cancelled.envelope.correlationId).toBe(cancel.headers()['x-correlation-id']);
    const mail = await mailbox.waitForEmail({ to: customer.email, subject: `Refund of ${refunded} for order ${order.id}` });
    expect(mail.text).toContain(`your payment of ${refunded} has been refunded`);
    expect(mail.html).toContain(`your payment of ${refunded} has been refunded`);
    expect(mail.links).toContain(`${env.shopUrl}/orders/${order.id}`);
    expect(mail.from).toContain(senderAddress());
    expect(mail.headers['x-correlation-id'], 'the mail names the admin’s cancel').toBe(cancelled.envelope.correlationId);
    await expect.poll(async () => (await db.notificationsOfKind(customer.email, 'refund')).map((row) => row.eventId)).toEqual([cancelled.envelope.eventId]);
  });

  test('a cancellation that refunded nothing (an unpaid order cancelled by its owner) sends no refund mail', { tag: '@failure' }, async ({
    customer,
    factory,
    checkout,
    payments,
    mailbox,
    events,
    db,
  }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    await checkout.cartReadyToOrder(customer, [{ product: products[0] }]);
    const pending = await checkout.placeOrder(customer, { paymentMethod: await payments.succeedingWithoutWebhooks() });

    await expect(await customer.api.cancelOrder(pending.id)).toHaveStatus(200);

    const cancelled = await events.waitFor<OrderCancelledPayload>('orders.cancelled', { orderId: pending.id });
    expect(cancelled.envelope.payload).toMatchObject({ reason: 'customer_request', refunded: false });

    await test.step('once the notifications consumer is past the event: no refund mail, no refund row', async () => {
      await events.consumedByShop('orders.cancelled', cancelled);
      expect(await mailbox.mailsMatching({ to: customer.email, subject: /^Refund/ })).toEqual([]);
      expect(await db.notificationsForEvent(cancelled.envelope.eventId)).toEqual([]);
    });
  });

  test('a redelivered orders.paid event sends no second confirmation mail', async ({ customer, factory, checkout, mailbox, events, db }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    await checkout.cartReadyToOrder(customer, [{ product: products[0] }]);
    const { order, paid } = await checkout.payAndWaitPaid(customer);
    const subject = orderMailSubject('confirmation', order.id);
    await mailbox.waitForEmail({ to: customer.email, subject });

    const duplicate = await test.step('the same event is published again, byte for byte', async () => {
      return events.publish('orders.paid', paid.raw, { key: paid.key, partition: paid.partition });
    });

    await test.step('once the shop’s consumers are past it, there is still one mail and one notification', async () => {
      await events.consumedByShop('orders.paid', duplicate);
      expect(await mailbox.mailsMatching({ to: customer.email, subject })).toHaveLength(1);
      expect(await db.notificationsForEvent(paid.envelope.eventId)).toHaveLength(1);
    });
  });
});
