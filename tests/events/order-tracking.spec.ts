import { randomUUID } from 'node:crypto';
import { test, expect, type EventEnvelope, type OrderDeliveredPayload } from '../../fixtures';

/** An orders.delivered event for an order, with the sequence the test chooses (valid against its contract). */
function deliveredEvent(order: { id: string; userId: string | null }, sequence: number): EventEnvelope<OrderDeliveredPayload> {
  return {
    eventId: randomUUID(),
    type: 'orders.delivered',
    occurredAt: new Date().toISOString(),
    correlationId: randomUUID(),
    version: 1,
    payload: { orderId: order.id, userId: order.userId ?? randomUUID(), sequence, deliveredAt: new Date().toISOString() },
  };
}

test.describe('order tracking', { tag: ['@orders', '@events'] }, () => {
  test('an event next in sequence whose transition is invalid is not applied and is recorded as "Invalid state transition"', async ({ customer, factory, checkout, events, db }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    const order = await checkout.buy(customer, [{ product: products[0] }]);
    await expect.poll(async () => (await db.orderHistory(order.id)).map((row) => row.status), { message: 'the tracker has applied created and paid' }).toEqual([
      'pending_payment',
      'paid',
    ]);
    const outOfOrder = deliveredEvent(order, 3);
    expect(outOfOrder).toMatchEventContract('orders.delivered');

    await events.publish('orders.delivered', outOfOrder, { key: order.id });

    await expect.poll(async () => (await db.trackingErrors(order.id)).map((row) => row.message)).toEqual(['Invalid state transition: paid -> delivered']);
    const [error] = await db.trackingErrors(order.id);
    expect(error).toMatchObject({ eventId: outOfOrder.eventId, topic: 'orders.delivered' });
    expect((await db.orderHistory(order.id)).map((row) => row.status), 'the history is unchanged').toEqual(['pending_payment', 'paid']);
  });

  test('an event ahead of its sequence is parked, then applied once the gap is filled', async ({ customer, factory, checkout, events, db }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    const order = await checkout.buy(customer, [{ product: products[0] }]);
    await expect.poll(async () => (await db.orderHistory(order.id)).length).toBe(2);
    const early = deliveredEvent(order, 4);

    const published = await test.step('orders.delivered with sequence 4 arrives before sequence 3', async () => {
      return events.publish('orders.delivered', early, { key: order.id });
    });

    await test.step('it waits in order_tracking_pending', async () => {
      await events.consumedByShop('orders.delivered', published);
      expect(await db.trackingPending(order.id)).toEqual([expect.objectContaining({ sequence: 4, event_id: early.eventId })]);
      expect((await db.orderHistory(order.id)).map((row) => row.status)).toEqual(['pending_payment', 'paid']);
    });

    await test.step('the admin ships (sequence 3): shipped, then the parked delivered, are applied', async () => {
      await checkout.ship(order.id);
      await expect.poll(async () => (await db.orderHistory(order.id)).map((row) => row.status)).toEqual(['pending_payment', 'paid', 'shipped', 'delivered']);
      expect(await db.trackingPending(order.id)).toEqual([]);
      expect(await db.trackingErrors(order.id)).toEqual([]);
      const history = await customer.api.orderHistory(order.id);
      expect((await history.json()).data.at(-1)).toMatchObject({ status: 'delivered', eventId: early.eventId });
    });
  });

  test('an event whose sequence was already applied is a duplicate and ignored', async ({ customer, factory, checkout, events, db }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    await checkout.cartReadyToOrder(customer, [{ product: products[0] }]);
    const { order } = await checkout.payAndWaitPaid(customer);
    const created = await events.waitFor('orders.created', { orderId: order.id });
    await expect.poll(async () => (await db.orderHistory(order.id)).length).toBe(2);

    const again = await events.publish('orders.created', { ...created.envelope, eventId: randomUUID() }, { key: order.id });

    await events.consumedByShop('orders.created', again);
    expect((await db.orderHistory(order.id)).map((row) => row.status)).toEqual(['pending_payment', 'paid']);
    expect(await db.trackingErrors(order.id)).toEqual([]);
  });
});
