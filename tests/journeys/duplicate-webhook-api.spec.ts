import { test, expect, orderMailSubject } from '../../fixtures';

test.describe('journey: a webhook the provider delivers twice, through the API', { tag: ['@webhooks', '@payments', '@journey'] }, () => {
  test('the same payment_intent.succeeded arrives twice: paid once, one orders.paid, one confirmation mail', async ({ customer, factory, checkout, payments, events, mailbox, db }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    const paymentMethod = await payments.succeeding({ duplicate: true });

    const order = await test.step('place the order with a method whose webhooks the gateway sends twice', async () => {
      await checkout.cartReadyToOrder(customer, [{ product: products[0] }]);
      return checkout.placeOrder(customer, { paymentMethod });
    });

    const eventId = await test.step('the gateway delivers the same event id twice, and the shop answers 200 both times', async () => {
      const attempts = await payments.waitForDeliveries(
        order.payment?.intentId ?? '',
        (all) => all.filter((attempt) => attempt.type === 'payment_intent.succeeded' && attempt.status === 200).length >= 2,
        { describe: 'two payment_intent.succeeded deliveries answered 200' },
      );
      const succeeded = attempts.filter((attempt) => attempt.type === 'payment_intent.succeeded' && attempt.status === 200);
      expect(new Set(succeeded.map((attempt) => attempt.eventId)).size, 'one event id, delivered twice').toBe(1);
      return succeeded[0].eventId;
    });

    await test.step('the shop recorded the event once and the order is paid', async () => {
      expect(await db.webhookEvents(eventId)).toHaveLength(1);
      await expect(checkout.ref(order)).toHaveStatus('paid');
    });

    await test.step('one orders.paid on the topic, read to its end', async () => {
      await events.waitFor('orders.paid', { orderId: order.id });
      expect((await events.publishedAfterFlush('orders.paid', { orderId: order.id })).found).toHaveLength(1);
    });

    await test.step('one confirmation mail', async () => {
      const subject = orderMailSubject('confirmation', order.id);
      await mailbox.waitForEmail({ to: customer.email, subject });
      await events.consumedByShop('orders.paid');
      expect(await mailbox.mailsMatching({ to: customer.email, subject })).toHaveLength(1);
    });
  });
});
