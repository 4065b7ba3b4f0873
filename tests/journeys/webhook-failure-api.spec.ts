import { test, expect, orderMailSubject, type OrderPaymentFailedPayload } from '../../fixtures';

test.describe('journey: a payment that fails later, by webhook, through the API', { tag: ['@webhooks', '@payments', '@journey', '@failure'] }, () => {
  test('the provider accepts the payment as processing, then reports it failed: the order is cancelled, its stock released, the customer mailed', async ({
    customer,
    factory,
    checkout,
    payments,
    events,
    mailbox,
  }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ price: 15, stock: 5 }));
    const paymentMethod = await payments.failingAsynchronously('card_declined');

    const order = await test.step('place the order: the provider answers processing, so 201 pending_payment', async () => {
      await checkout.cartReadyToOrder(customer, [{ product: products[0], quantity: 2 }]);
      const placed = await checkout.placeOrder(customer, { paymentMethod });
      expect(await checkout.stock(products[0])).toBe(3);
      return placed;
    });

    await test.step('the gateway delivers payment_intent.payment_failed and the shop accepts it', async () => {
      const deliveries = await payments.waitForDeliveries(
        order.payment?.intentId ?? '',
        (attempts) => attempts.some((attempt) => attempt.type === 'payment_intent.payment_failed' && attempt.status === 200),
        { describe: 'payment_intent.payment_failed answered 200' },
      );
      expect(deliveries.every((attempt) => attempt.type !== 'payment_intent.succeeded')).toBe(true);
    });

    const failed = await test.step('the order is cancelled for payment_failed and orders.payment_failed is published', async () => {
      await expect(checkout.ref(order, customer.api)).toHaveStatus('cancelled');
      expect((await checkout.order(order.id)).cancelReason).toBe('payment_failed');
      const event = await events.waitFor<OrderPaymentFailedPayload>('orders.payment_failed', { orderId: order.id });
      expect(event.envelope.payload).toMatchObject({ sequence: 2, paymentIntentId: order.payment?.intentId });
      return event;
    });

    await test.step('its stock is released', async () => {
      expect(await checkout.stock(products[0])).toBe(5);
    });

    await test.step('the customer gets the payment-failed mail with the reason', async () => {
      const mail = await mailbox.waitForEmail({ to: customer.email, subject: orderMailSubject('payment_failed', order.id) });
      expect(mail).toBeOrderMail('payment_failed', order, { reason: failed.envelope.payload.reason });
    });

    await test.step('it never becomes paid', async () => {
      await expect(events).not.toHavePublished('orders.paid', { orderId: order.id });
    });
  });
});
