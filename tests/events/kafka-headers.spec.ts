import { randomUUID } from 'node:crypto';
import { test, expect, expectJson, env } from '../../fixtures';

const groupName = (group: string) => `${env.topicPrefix}${group}`;
const base64 = (text: string) => Buffer.from(text).toString('base64');

/** contracts/events/headers.schema.json: what every event the shop publishes carries, from its envelope. */
const eventHeaders = (type: string, correlationId: string) => ({
  'correlation-id': correlationId,
  'event-type': type,
  'event-version': '1',
  'content-type': 'application/json',
});

test.describe('Kafka headers', { tag: ['@events'] }, () => {
  test("an event carries correlation-id, event-type, event-version and content-type: the request's correlation id and its envelope's values", { tag: '@users' }, async ({
    api,
    factory,
    events,
  }) => {
    const correlationId = randomUUID();
    const user = await expectJson(await api.register(factory.userData(), { correlationId }), 201);

    const event = await events.waitFor('users.registered', { userId: user.id });

    expect(event.headers).toEqual(eventHeaders('users.registered', correlationId));
    expect(event.envelope.correlationId).toBe(correlationId);
  });

  test("every event of an order's life carries the four headers, each with its own type and correlation id", { tag: '@orders' }, async ({ customer, factory, checkout, events }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    const order = await checkout.delivered(customer, [{ product: products[0] }]);

    for (const topic of ['orders.created', 'orders.paid', 'orders.shipped', 'orders.delivered']) {
      await test.step(topic, async () => {
        const event = await events.waitFor(topic, { orderId: order.id });
        expect(event.headers).toEqual(eventHeaders(topic, event.envelope.correlationId));
      });
    }
  });

  test('a dead letter keeps the original headers and adds why and by whom it was refused; a header of the same name is replaced on the message, kept in the letter', { tag: ['@orders', '@failure'] }, async ({
    events,
  }) => {
    const key = randomUUID();
    const raw = `not json ${randomUUID()}`;
    const traceId = randomUUID();

    await events.publish('orders.paid', raw, { key, headers: { 'trace-id': traceId, 'dead-letter-reason': 'forged by the sender' } });

    for (const group of ['shop-notifications', 'shop-order-tracking']) {
      await test.step(`dead-lettered by ${group}`, async () => {
        const letter = await events.waitForDeadLetter('orders.paid.dlq', { value: raw, consumer: groupName(group) });
        expect(letter.headers, 'on the Kafka message: the original headers, the reason and the consumer').toEqual({
          'trace-id': traceId,
          'dead-letter-reason': 'NOT_JSON',
          'dead-letter-consumer': groupName(group),
        });
        expect(letter.deadLetter.headers, "in the letter: the original's headers, byte for byte").toEqual({
          'trace-id': [base64(traceId)],
          'dead-letter-reason': [base64('forged by the sender')],
        });
      });
    }
  });
});
