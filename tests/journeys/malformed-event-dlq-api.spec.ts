import { randomUUID } from 'node:crypto';
import { test, expect, env, orderMailSubject } from '../../fixtures';

test.describe('journey: a malformed event goes to the dead-letter topic, through the API', { tag: ['@orders', '@events', '@journey', '@failure'] }, () => {
  test('a broken orders.shipped is dead-lettered by both consumers with the original and the error, and the shop carries on', async ({ customer, factory, checkout, events, mailbox }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    const key = randomUUID();
    const broken = `{"eventId":"${randomUUID()}","type":"orders.shipped","payload":`;

    const published = await test.step('a message that is not JSON lands on orders.shipped', async () => events.publish('orders.shipped', broken, { key }));

    for (const group of ['shop-notifications', 'shop-order-tracking']) {
      await test.step(`${group} publishes it to orders.shipped.dlq with the original, its place and the error`, async () => {
        const { deadLetter } = await events.waitForDeadLetter('orders.shipped.dlq', { key, consumer: `${env.topicPrefix}${group}` });
        expect(deadLetter).toMatchObject({
          originalTopic: `${env.topicPrefix}orders.shipped`,
          partition: published.partition,
          offset: published.offset,
          value: broken,
        });
        expect(deadLetter.error).not.toBe('');
      });
    }

    await test.step('both consumers committed past it', async () => {
      await events.consumedByShop('orders.shipped', published);
    });

    await test.step('a real order still flows: paid, shipped, and the shipping mail arrives', async () => {
      const order = await checkout.buy(customer, [{ product: products[0] }]);
      const shipped = await checkout.ship(order.id);
      const mail = await mailbox.waitForEmail({ to: customer.email, subject: orderMailSubject('shipped', order.id) });
      expect(mail).toBeOrderMail('shipped', shipped);
    });
  });
});
