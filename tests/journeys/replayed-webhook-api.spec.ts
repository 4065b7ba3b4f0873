import { test, expect, expectError, orderMailSubject } from '../../fixtures';

test.describe('journey: a replayed webhook, through the API', { tag: ['@webhooks', '@payments', '@journey', '@security'] }, () => {
  test('a captured signed payment_intent.succeeded is replayed byte for byte: recognised as a duplicate, nothing happens twice; its signature does not carry over to another body', async ({
    customer,
    factory,
    checkout,
    payments,
    webhooks,
    events,
    mailbox,
    db,
  }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));

    const order = await test.step('place an order whose provider webhooks are held back', async () => {
      await checkout.cartReadyToOrder(customer, [{ product: products[0] }]);
      return checkout.placeOrder(customer, { paymentMethod: await payments.succeedingWithoutWebhooks() });
    });

    const captured = await test.step('the provider’s payment_intent.succeeded, signed, is delivered: paid', async () => {
      const event = webhooks.succeeded(order);
      const { response, delivery } = await webhooks.send(event);
      await expect(response).toHaveStatus(200);
      expect(await response.json()).toEqual({ received: true });
      await expect(checkout.ref(order)).toHaveStatus('paid');
      return { event, delivery };
    });

    await test.step('an attacker replays the captured request: 200 duplicate, recorded once', async () => {
      const replay = await webhooks.replay(captured.delivery);
      await expect(replay).toHaveStatus(200);
      expect(await replay.json()).toEqual({ received: true, duplicate: true });
      expect(await db.webhookEvents(captured.event.id)).toHaveLength(1);
    });

    await test.step('the captured signature on a different body (payment_failed) is refused: 401 INVALID_SIGNATURE', async () => {
      const forged = webhooks.paymentFailed(order);
      await expectError(await webhooks.deliver({ payload: JSON.stringify(forged, null, 2), signature: captured.delivery.signature }), 401, 'INVALID_SIGNATURE');
      expect((await checkout.order(order.id)).status).toBe('paid');
    });

    await test.step('one orders.paid and one confirmation mail', async () => {
      expect((await events.publishedAfterFlush('orders.paid', { orderId: order.id })).found).toHaveLength(1);
      const subject = orderMailSubject('confirmation', order.id);
      await mailbox.waitForEmail({ to: customer.email, subject });
      await events.consumedByShop('orders.paid');
      expect(await mailbox.mailsMatching({ to: customer.email, subject })).toHaveLength(1);
    });
  });
});
