import { randomUUID } from 'node:crypto';
import { test, expect, env } from '../../fixtures';

const groupName = (group: string) => `${env.topicPrefix}${group}`;

test.describe('dead letters', { tag: ['@orders', '@users', '@events', '@failure'] }, () => {
  test('a message that is not JSON goes to <topic>.dlq with the original, its place, the error and the consumer: one per consumer group', async ({ events }) => {
    const key = randomUUID();
    const raw = `{"this is": "not json", "marker": "${randomUUID()}"`;

    const published = await events.publish('orders.paid', raw, { key });

    for (const group of ['shop-notifications', 'shop-order-tracking']) {
      await test.step(`dead-lettered by ${group}`, async () => {
        const { deadLetter } = await events.waitForDeadLetter('orders.paid.dlq', { value: raw, consumer: groupName(group) });
        expect(deadLetter).toMatchEventContract('orders.paid.dlq');
        expect(deadLetter).toMatchObject({
          originalTopic: `${env.topicPrefix}orders.paid`,
          partition: published.partition,
          offset: published.offset,
          key,
          value: raw,
          valueBase64: Buffer.from(raw).toString('base64'),
          valueSize: Buffer.byteLength(raw),
          headers: {},
          reason: 'NOT_JSON',
          truncated: false,
        });
        expect(deadLetter.error.length).toBeGreaterThan(0);
        expect(Date.parse(deadLetter.failedAt)).not.toBeNaN();
      });
    }
  });

  test('an event that breaks its contract goes to the dlq with the schema errors', async ({ events }) => {
    const orderId = randomUUID();
    // orders.shipped without its trackingNumber: JSON, but not the contract.
    const invalid = {
      eventId: randomUUID(),
      type: 'orders.shipped',
      occurredAt: new Date().toISOString(),
      correlationId: randomUUID(),
      version: 1,
      payload: { orderId, userId: randomUUID(), sequence: 3, carrier: 'DHL', shippedAt: new Date().toISOString() },
    };
    expect(invalid).not.toMatchEventContract('orders.shipped');

    await events.publish('orders.shipped', invalid, { key: orderId });

    const { deadLetter } = await events.waitForDeadLetter('orders.shipped.dlq', { key: orderId, consumer: groupName('shop-order-tracking') });
    expect(JSON.parse(deadLetter.value)).toEqual(invalid);
    expect(deadLetter.reason).toBe('CONTRACT_VIOLATION');
    expect(deadLetter.error).toContain('trackingNumber');
  });

  test('a bad users.registered message is dead-lettered by the notifications consumer, which carries on', async ({ events, factory, mailbox }) => {
    const key = randomUUID();
    const raw = `not json at all ${randomUUID()}`;

    await events.publish('users.registered', raw, { key });

    const { deadLetter } = await events.waitForDeadLetter('users.registered.dlq', { key, value: raw });
    expect(deadLetter).toMatchObject({ consumer: groupName('shop-notifications'), reason: 'NOT_JSON' });

    await test.step('the next registration still gets its welcome mail', async () => {
      const user = await factory.registeredUser();
      await expect(mailbox).toHaveReceived({ to: user.email, subject: /welcome/i });
    });
  });

  test('a valid event is not dead-lettered', async ({ customer, factory, checkout, events }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    const order = await checkout.buy(customer, [{ product: products[0] }]);
    const paid = await events.waitFor('orders.paid', { orderId: order.id });

    // Both consumers have handled the event (and would have dead-lettered it by then).
    await events.consumedByShop('orders.paid', paid);

    await expect(events).not.toHavePublished('orders.paid.dlq', { key: order.id });
  });
});
