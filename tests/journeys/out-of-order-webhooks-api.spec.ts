import { test, expect, orderMailSubject } from '../../fixtures';

test.describe('journey: provider webhooks out of order, through the API', { tag: ['@webhooks', '@payments', '@journey'] }, () => {
  test('payment_intent.succeeded arrives before payment_intent.processing: the order is paid once and stays paid', async ({ customer, factory, checkout, payments, events, mailbox, db }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    const paymentMethod = await payments.succeedingAsynchronously({ outOfOrder: true });

    const order = await test.step('place the order: the provider answers processing, so 201 pending_payment', async () => {
      await checkout.cartReadyToOrder(customer, [{ product: products[0] }]);
      return checkout.placeOrder(customer, { paymentMethod });
    });

    await test.step('the gateway delivers succeeded first, then processing; the shop answers 200 to both', async () => {
      const attempts = await payments.waitForDeliveries(
        order.payment?.intentId ?? '',
        (all) => ['payment_intent.succeeded', 'payment_intent.processing'].every((type) => all.some((attempt) => attempt.type === type && attempt.status === 200)),
        { describe: 'succeeded and processing answered 200' },
      );
      const firstAttempts = attempts.filter((attempt) => attempt.attempt === 1).map((attempt) => attempt.type);
      expect(firstAttempts).toEqual(['payment_intent.succeeded', 'payment_intent.processing']);
    });

    await test.step('the late processing event does not undo the payment: paid, one orders.paid', async () => {
      await expect(checkout.ref(order)).toHaveStatus('paid');
      expect((await events.publishedAfterFlush('orders.paid', { orderId: order.id })).found).toHaveLength(1);
    });

    await test.step('the history reads pending_payment, paid; one confirmation mail', async () => {
      await expect.poll(async () => (await db.orderHistory(order.id)).map((row) => row.status)).toEqual(['pending_payment', 'paid']);
      await mailbox.waitForEmail({ to: customer.email, subject: orderMailSubject('confirmation', order.id) });
    });
  });
});
