import { test, expect, env, orderMailSubject, type OrderPaymentFailedPayload } from '../../fixtures';

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

  test('a payment that fails after the order was placed gets the payment-failed mail with the reason', async ({ customer, factory, checkout, payments, mailbox, events, db }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    await checkout.cartReadyToOrder(customer, [{ product: products[0] }]);

    const order = await checkout.placeOrder(customer, { paymentMethod: await payments.failingAsynchronously('card_declined') });

    const failed = await events.waitFor<OrderPaymentFailedPayload>('orders.payment_failed', { orderId: order.id });
    const mail = await mailbox.waitForEmail({ to: customer.email, subject: orderMailSubject('payment_failed', order.id) });
    expect(mail).toBeOrderMail('payment_failed', order, { reason: failed.envelope.payload.reason });
    await expect.poll(async () => (await db.notificationsOfKind(customer.email, 'payment_failed')).length).toBe(1);
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
