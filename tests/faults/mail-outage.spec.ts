import { test, expect, orderMailSubject } from '../../fixtures';

/** The shop retries a failed send through its Kafka consumer's backoff: allow it a few rounds. */
const MAIL_AFTER_OUTAGE_MS = 60_000;

test.describe('a mail outage', { tag: ['@fault', '@orders', '@mail'] }, () => {
  test('the confirmation mail the shop could not send while MailHog was down arrives exactly once after MailHog is back', async ({
    isolatedEnvironment: stack,
  }) => {
    test.setTimeout(120_000);
    const customer = await stack.customer();
    const { products } = await stack.factory.productsInOwnCategory(1);

    // Before the outage, so the shop's mail consumer has nothing else pending when MailHog goes.
    await test.step('the welcome mail arrives while MailHog is up', () => expect(stack.mailbox).toHaveReceived({ to: customer.email, subject: /^Welcome/ }));

    await stack.checkout.cartReadyToOrder(customer, [{ product: products[0] }]);

    await test.step('MailHog stops', () => stack.mailhog.stop());

    const { order, paid } = await test.step('the customer pays while MailHog is down', () => stack.checkout.payAndWaitPaid(customer));

    const eventId = paid.envelope.eventId;

    await test.step('the shop tries to send the confirmation, fails, and records no mail', async () => {
      // Only its log tells that it tried: a warning or an error naming the event.
      await stack.logs.waitForLine('shop', (line) => line.entry?.eventId === eventId && Number(line.entry.level) >= 40, {
        describe: `at warn or error level about event ${eventId}`,
      });
      expect(await stack.db.notificationsForEvent(eventId)).toHaveLength(0);
    });

    await test.step('MailHog starts again', () => stack.mailhog.start());

    const subject = orderMailSubject('confirmation', order.id);

    const mail = await test.step('the confirmation mail arrives', () =>
      stack.timings.measure('confirmation mail after MailHog is back', () => stack.mailbox.waitForEmail({ to: customer.email, subject, timeout: MAIL_AFTER_OUTAGE_MS })),
    );

    expect(mail).toBeOrderMail('confirmation', order);

    await test.step('exactly once: after the shop is done with the event, one mail and one notification', async () => {
      await stack.events.consumedByShop('orders.paid', { partition: paid.partition, offset: paid.offset });
      expect(await stack.mailbox.mailsMatching({ to: customer.email, subject })).toHaveLength(1);
      expect(await stack.db.notificationsForEvent(eventId)).toHaveLength(1);
    });
  });
});
