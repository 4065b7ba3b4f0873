import { test, expect, expectError, TEST_CARDS } from '../../fixtures';

test.describe('journey: a declined card, through the API', { tag: ['@payments', '@journey', '@failure'] }, () => {
  test('the card is declined, nothing is kept, and the customer pays with another card from the same cart', async ({ customer, factory, checkout, events, mailbox }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ price: 42, stock: 3 }));

    const cart = await test.step('fill the cart and set the address', async () => checkout.cartReadyToOrder(customer, [{ product: products[0], quantity: 2 }]));

    await test.step('pay with a card the provider declines: 400 CARD_DECLINED with its message', async () => {
      const error = await expectError(await checkout.attemptOrder(customer, { paymentMethod: TEST_CARDS.declined }), 400, 'CARD_DECLINED');
      expect(error.details).toEqual([{ field: 'paymentMethod', message: 'Your card was declined.' }]);
    });

    await test.step('the reservation is released, no order exists, the cart is as it was', async () => {
      expect(await checkout.stock(products[0])).toBe(3);
      expect(await checkout.orderCount(customer)).toBe(0);
      expect(await checkout.cart(customer)).toEqual(cart);
    });

    await test.step('nothing was published', async () => {
      await expect(events).not.toHavePublished('orders.created', { userId: customer.user.id });
    });

    const order = await test.step('pay the same cart with a card that works: paid', async () => (await checkout.payAndWaitPaid(customer)).order);

    await test.step('one order, one reservation, one confirmation mail', async () => {
      expect(await checkout.orderCount(customer)).toBe(1);
      expect(await checkout.stock(products[0])).toBe(1);
      await expect(mailbox).toHaveReceived({ to: customer.email, subject: `Order ${order.id} confirmed` });
    });
  });
});
