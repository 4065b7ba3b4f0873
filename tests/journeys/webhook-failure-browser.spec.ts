import { test, expect, orderMailSubject, signInWithToken, type OrderCreatedPayload, type OrderPaymentFailedPayload } from '../../fixtures';

test.describe('journey: a payment that fails later, in the browser', { tag: ['@webhooks', '@payments', '@journey', '@web', '@failure'] }, () => {
  test('the order page shows Pending payment, then Cancelled once the provider’s payment_failed webhook arrives; the mail says why', async ({
    page,
    context,
    checkoutPage,
    orderPage,
    productPage,
    customer,
    factory,
    checkout,
    payments,
    events,
    mailbox,
  }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ price: 19, stock: 5 }));
    // Its webhook is delivered a few seconds later, so the page shows the pending state first.
    const paymentMethod = await payments.failingAsynchronously('card_declined', { delayMs: 3_000 });
    await checkout.cartReadyToOrder(customer, [{ product: products[0], quantity: 3 }]);
    await signInWithToken(context, customer.accessToken);

    const orderId = await test.step('pay with the programmed method: the order page shows Pending payment', async () => {
      await checkoutPage.goto();
      await checkoutPage.payWithMethodId(paymentMethod);
      await expect(page).toHaveURL(/\/orders\/[0-9a-f-]{36}$/);
      const id = orderPage.orderIdFromUrl();
      await expect(orderPage.status).toHaveText('Pending payment');
      const created = await events.waitFor<OrderCreatedPayload>('orders.created', { orderId: id });
      expect(created.envelope.payload.userId).toBe(customer.user.id);
      return id;
    });

    await test.step('the webhook cancels it: reload until the page shows Cancelled', async () => {
      await events.waitFor<OrderPaymentFailedPayload>('orders.payment_failed', { orderId });
      await orderPage.reloadUntilStatus('Cancelled');
    });

    await test.step('the stock is released: the product shows 5 in stock', async () => {
      await productPage.goto(products[0].id);
      await expect(productPage.inStock(5)).toBeVisible();
    });

    await test.step('the payment-failed mail arrives with the reason', async () => {
      const failed = await events.waitFor<OrderPaymentFailedPayload>('orders.payment_failed', { orderId });
      const mail = await mailbox.waitForEmail({ to: customer.email, subject: orderMailSubject('payment_failed', orderId) });
      expect(mail).toBeOrderMail('payment_failed', await checkout.order(orderId), { reason: failed.envelope.payload.reason });
    });
  });
});
