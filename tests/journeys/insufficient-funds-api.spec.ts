import { test, expect, expectError, TEST_CARDS } from '../../fixtures';

test.describe('journey: insufficient funds, through the API', { tag: ['@payments', '@journey', '@failure'] }, () => {
  test('a returning customer’s payment fails for insufficient funds: 402, stock and order count unchanged, no event, no mail', async ({
    customer,
    factory,
    checkout,
    events,
    mailbox,
    db,
  }) => {
    const { products } = await factory.productsInOwnCategory(2, () => ({ price: 30, stock: 4 }));

    const first = await test.step('an earlier order, paid', async () => checkout.buy(customer, [{ product: products[0] }]));

    const before = await test.step('what the shop holds before the failing payment', async () => ({
      stock: [await checkout.stock(products[0]), await checkout.stock(products[1])],
      orders: await checkout.orderCount(customer),
    }));

    expect(before).toEqual({ stock: [3, 4], orders: 1 });

    await test.step('fill the cart with both products', async () => {
      await checkout.cartReadyToOrder(customer, [{ product: products[0], quantity: 3 }, { product: products[1], quantity: 4 }]);
    });

    await test.step('pay with a card without funds: 402 PAYMENT_FAILED', async () => {
      await expectError(await checkout.attemptOrder(customer, { paymentMethod: TEST_CARDS.insufficientFunds }), 402, 'PAYMENT_FAILED');
    });

    await test.step('rolled back: every product’s stock and the customer’s order count as before', async () => {
      expect([await checkout.stock(products[0]), await checkout.stock(products[1])]).toEqual(before.stock);
      expect(await checkout.orderCount(customer)).toBe(before.orders);
      expect((await db.ordersOfUser(customer.user.id)).map((row) => row.id)).toEqual([first.id]);
    });

    await test.step('no orders.created beyond the first order, and only the first order’s confirmation mail', async () => {
      const created = await events.publishedAfterFlush('orders.created', { userId: customer.user.id });
      expect(created.found.map((event) => event.envelope.payload.orderId)).toEqual([first.id]);
      await mailbox.waitForEmail({ to: customer.email, subject: `Order ${first.id} confirmed` });
      expect((await mailbox.mailsMatching({ to: customer.email, subject: /^Order .* confirmed$/ })).map((mail) => mail.subject)).toEqual([`Order ${first.id} confirmed`]);
    });
  });
});
