import { test, expect, orderMailSubject } from '../../fixtures';

test.describe('journey: a duplicated event sends one mail, through the API', { tag: ['@orders', '@events', '@mail', '@journey'] }, () => {
  test('orders.paid and orders.shipped are each delivered twice to the shop’s consumers: one confirmation, one shipping mail', async ({
    customer,
    factory,
    checkout,
    events,
    mailbox,
    db,
  }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    const confirmation = (id: string) => orderMailSubject('confirmation', id);

    const { order, paid } = await test.step('a paid order and its confirmation mail', async () => {
      await checkout.cartReadyToOrder(customer, [{ product: products[0] }]);
      const result = await checkout.payAndWaitPaid(customer);
      await mailbox.waitForEmail({ to: customer.email, subject: confirmation(result.order.id) });
      return result;
    });

    await test.step('orders.paid is published again, byte for byte (at-least-once delivery)', async () => {
      const again = await events.publish('orders.paid', paid.raw, { key: paid.key, partition: paid.partition });
      await events.consumedByShop('orders.paid', again);
    });

    await test.step('still one confirmation mail and one notification row', async () => {
      expect(await mailbox.mailsMatching({ to: customer.email, subject: confirmation(order.id) })).toHaveLength(1);
      expect(await db.notificationsForEvent(paid.envelope.eventId)).toHaveLength(1);
    });

    const shipped = await test.step('the admin ships; the shipping mail arrives', async () => {
      await checkout.ship(order.id);
      await mailbox.waitForEmail({ to: customer.email, subject: orderMailSubject('shipped', order.id) });
      return events.waitFor('orders.shipped', { orderId: order.id });
    });

    await test.step('orders.shipped is published twice more', async () => {
      await events.publish('orders.shipped', shipped.raw, { key: shipped.key, partition: shipped.partition });
      const last = await events.publish('orders.shipped', shipped.raw, { key: shipped.key, partition: shipped.partition });
      await events.consumedByShop('orders.shipped', last);
    });

    await test.step('still one shipping mail', async () => {
      expect(await mailbox.mailsMatching({ to: customer.email, subject: orderMailSubject('shipped', order.id) })).toHaveLength(1);
      expect(await db.notificationsOfKind(customer.email, 'order_shipped')).toHaveLength(1);
    });
  });
});
