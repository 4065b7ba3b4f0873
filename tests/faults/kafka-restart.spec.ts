import { test, expect, orderMailSubject, type MatchedEvent } from '../../fixtures';

/** From the broker answering again until the shop's consumers have done the outage's work. */
const SETTLE_MS = 60_000;

/** The first copy of each event id, in the order they were published. */
function distinctEvents<E extends MatchedEvent>(events: E[]): E[] {
  const seen = new Set<string>();
  return events.filter((event) => !seen.has(event.envelope.eventId) && Boolean(seen.add(event.envelope.eventId)));
}

/** The two ways the broker goes away: a clean stop (a rolling restart) and a crash. */
const outages = [
  { how: 'stopped cleanly', stop: 'stop' },
  { how: 'killed with kill -9', stop: 'kill' },
] as const;

for (const outage of outages) {
  test.describe(`the Kafka broker ${outage.how} mid-journey`, { tag: ['@fault', '@events', '@orders', '@mail'] }, () => {
    test(`the shop takes orders and registrations while it is away, then publishes each of their events under one event id, and its consumers send each mail exactly once`, async ({
      isolatedEnvironment: stack,
    }) => {
      test.setTimeout(180_000);
      const { products } = await stack.factory.productsInOwnCategory(1, () => ({ stock: 5 }));
      const payer = await stack.customer();

      // Before the outage, so the shop's consumers are known to be reading when the broker goes.
      await test.step('the welcome mail arrives while the broker is up', () => expect(stack.mailbox).toHaveReceived({ to: payer.email, subject: /^Welcome/ }));

      await stack.checkout.cartReadyToOrder(payer, [{ product: products[0], quantity: 2 }]);
      // Nothing of the shop's in flight to the broker when it goes: the outbox holds no unpublished row.
      await stack.events.outboxFlushed();

      await test.step(`the broker is ${outage.how}`, async () => {
        await stack.kafka[outage.stop]();
        expect(stack.kafka.running).toBe(false);
      });

      const { orderId, newcomer } = await test.step('while it is away: an order is placed and paid, a customer registers; each is answered and written down', async () => {
        const placed = await stack.checkout.placeOrder(payer);
        // The provider's webhook reaches the shop over HTTP: the order is paid without the broker.
        await expect.poll(async () => (await stack.checkout.order(placed.id)).status, { message: 'the webhook made the order paid', intervals: [100] }).toBe('paid');
        expect(await stack.checkout.stock(products[0])).toBe(3);
        const registered = await stack.customer();
        const health = await stack.api.health();
        expect(health.status()).toBe(503);
        expect(await health.json()).toMatchObject({ status: 'degraded', dependencies: { postgres: 'up', kafka: 'down', smtp: 'up' } });
        return { orderId: placed.id, newcomer: registered };
      });

      await test.step('their events wait in the outbox, unpublished', async () => {
        const rows = await stack.db.outboxRowsFor(orderId);
        expect(rows.map((row) => [row.topic, row.publishedAt])).toEqual([
          ['orders.created', null],
          ['orders.paid', null],
        ]);
        const welcome = (await stack.db.outboxRowsFor(newcomer.user.id)).filter((row) => row.topic === 'users.registered');
        expect(welcome.map((row) => row.publishedAt)).toEqual([null]);
        expect(stack.shop.running, 'the shop process survived').toBe(true);
      });

      await test.step('the broker starts again', () => stack.timings.measure(`kafka start after it was ${outage.how}`, () => stack.kafka.start()));

      await test.step('the outbox is published and both consumers resume: the mails and the order history follow', async () => {
        const confirmation = orderMailSubject('confirmation', orderId);
        await Promise.all([
          stack.timings.measure('outbox published after the broker is back', () => stack.events.outboxFlushed({ timeout: SETTLE_MS })),
          stack.timings.measure('notifications consumer: confirmation and welcome mails after the broker is back', () =>
            Promise.all([
              stack.mailbox.waitForEmail({ to: payer.email, subject: confirmation, timeout: SETTLE_MS }),
              stack.mailbox.waitForEmail({ to: newcomer.email, subject: /^Welcome/, timeout: SETTLE_MS }),
            ]),
          ),
          stack.timings.measure('order-tracking consumer: history of the order after the broker is back', () =>
            expect
              .poll(async () => (await stack.db.orderHistory(orderId)).map((row) => row.status), { timeout: SETTLE_MS, intervals: [100] })
              .toEqual(['pending_payment', 'paid']),
          ),
        ]);
        await expect(await stack.api.health()).toHaveStatus(200);
      });

      await test.step('one event id per event, one mail for each, nothing dead-lettered', async () => {
        // Delivery is at least once (docs/API.md, "Events"): a batch the restarted broker stored but answered
        // with an error for one of its partitions is sent again whole, so a copy may follow, under the same
        // event id. What must not happen is a second event (another id) or a second mail for one.
        const copies = await stack.events.orderEvents(orderId);
        const events = distinctEvents(copies);
        expect(events.map((event) => [event.topic, event.envelope.payload.sequence])).toEqual([
          ['orders.created', 1],
          ['orders.paid', 2],
        ]);
        const welcomeCopies = await stack.events.publishedSoFar('users.registered', { userId: newcomer.user.id });
        const welcome = distinctEvents(welcomeCopies);
        expect(welcome).toHaveLength(1);
        const redelivered = copies.length + welcomeCopies.length - events.length - welcome.length;
        test.info().annotations.push({ type: 'redelivered', description: `${redelivered} copies of an event already on its topic` });
        // The shop's consumers are past the last copy of each: a redelivery had its chance to send a mail.
        const lastPaid = copies.filter((event) => event.topic === 'orders.paid').at(-1)!;
        await stack.events.consumedByShop('orders.paid', { partition: lastPaid.partition, offset: lastPaid.offset });
        const lastWelcome = welcomeCopies.at(-1)!;
        await stack.events.consumedByShop('users.registered', { partition: lastWelcome.partition, offset: lastWelcome.offset });
        const paid = events[1];
        expect(await stack.mailbox.mailsMatching({ to: payer.email, subject: orderMailSubject('confirmation', orderId) })).toHaveLength(1);
        expect(await stack.mailbox.mailsMatching({ to: newcomer.email, subject: /^Welcome/ })).toHaveLength(1);
        expect(await stack.db.notificationsForEvent(paid.envelope.eventId)).toHaveLength(1);
        expect(await stack.db.notificationsForEvent(welcome[0].envelope.eventId)).toHaveLength(1);
        expect((await stack.db.orderHistory(orderId)).map((row) => row.status)).toEqual(['pending_payment', 'paid']);
        for (const topic of ['orders.paid.dlq', 'users.registered.dlq']) {
          expect((await stack.events.publishedSoFar(topic, {})), `nothing on ${topic}`).toHaveLength(0);
        }
      });
    });
  });
}
