import { test, expect, expectError, orderMailSubject } from '../../fixtures';

/** The isolated shop's own shipping rate: seeing it on the order proves the stack runs with its own settings. */
const ISOLATED_FLAT_RATE = 7.25;

test.use({ isolatedOptions: { shop: { env: { SHIPPING_FLAT_RATE: ISOLATED_FLAT_RATE.toFixed(2) } } } });

test.describe('an isolated environment', { tag: ['@fault', '@orders'] }, () => {
  test('its own shop takes a purchase end to end on its own services and settings, and the shared shop sees none of it', async ({
    isolatedEnvironment: stack,
    api,
    adminApi,
  }) => {
    const customer = await stack.customer();
    // Below FREE_SHIPPING_OVER, to a US address: the flat rate applies.
    const { products } = await stack.factory.productsInOwnCategory(1, () => ({ price: 20, stock: 5 }));

    const order = await test.step('place and pay an order on the isolated shop', () => stack.checkout.buy(customer, [{ product: products[0] }]));

    await test.step('its Kafka carries orders.paid', () => expect(stack.events).toHavePublished('orders.paid', { orderId: order.id }));

    await test.step('its MailHog receives the confirmation mail', () =>
      expect(stack.mailbox).toHaveReceived({ to: customer.email, subject: orderMailSubject('confirmation', order.id) }),
    );

    await test.step('its database holds the paid order', async () => {
      expect((await stack.db.orderById(order.id))?.status).toBe('paid');
    });

    await test.step('its shop runs with the settings the test gave it', () => {
      expect(order.shippingCost).toBe(ISOLATED_FLAT_RATE);
    });

    await test.step('the shared shop knows neither the customer nor the order', async () => {
      await expectError(await api.login({ email: customer.email, password: customer.password }), 401, 'INVALID_CREDENTIALS');
      await expectError(await adminApi.getOrder(order.id), 404, 'ORDER_NOT_FOUND');
    });

    await test.step('and the shared shop still serves', async () => {
      await expect(await api.health()).toHaveStatus(200);
    });
  });
});
