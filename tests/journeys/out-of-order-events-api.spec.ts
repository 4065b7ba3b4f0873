import { randomUUID } from 'node:crypto';
import { test, expect, type EventEnvelope, type OrderDeliveredPayload } from '../../fixtures';

test.describe('journey: an order event out of order, through the API', { tag: ['@orders', '@events', '@journey'] }, () => {
  test('orders.delivered straight after orders.paid is refused by the tracker as an invalid transition; the real shipment and delivery still apply', async ({
    customer,
    factory,
    checkout,
    events,
    db,
  }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));

    const order = await test.step('a paid order, tracked as pending_payment then paid', async () => {
      const paid = await checkout.buy(customer, [{ product: products[0] }]);
      await expect.poll(async () => (await db.orderHistory(paid.id)).map((row) => row.status)).toEqual(['pending_payment', 'paid']);
      return paid;
    });

    const stray: EventEnvelope<OrderDeliveredPayload> = {
      eventId: randomUUID(),
      type: 'orders.delivered',
      occurredAt: new Date().toISOString(),
      correlationId: randomUUID(),
      version: 1,
      payload: { orderId: order.id, userId: customer.user.id, sequence: 3, deliveredAt: new Date().toISOString() },
    };

    await test.step('an orders.delivered with the next sequence arrives before any shipment', async () => {
      expect(stray).toMatchEventContract('orders.delivered');
      await events.publish('orders.delivered', stray, { key: order.id });
    });

    await test.step('order_tracking_errors records "Invalid state transition: paid -> delivered"; the history is unchanged', async () => {
      await expect.poll(async () => (await db.trackingErrors(order.id)).map((row) => row.message)).toEqual(['Invalid state transition: paid -> delivered']);
      expect((await db.trackingErrors(order.id))[0].eventId).toBe(stray.eventId);
      expect((await db.orderHistory(order.id)).map((row) => row.status)).toEqual(['pending_payment', 'paid']);
    });

    await test.step('the admin ships and delivers: the real events apply in order', async () => {
      await checkout.ship(order.id);
      await checkout.deliver(order.id);
      await expect.poll(async () => (await db.orderHistory(order.id)).map((row) => row.status)).toEqual(['pending_payment', 'paid', 'shipped', 'delivered']);
      const delivered = await events.waitFor('orders.delivered', { orderId: order.id, sequence: 4 });
      expect((await db.orderHistory(order.id)).at(-1)?.eventId).toBe(delivered.envelope.eventId);
    });
  });
});
