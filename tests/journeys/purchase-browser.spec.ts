import type { BrowserContext } from '@playwright/test';
import { test as base, expect, env, orderMailSubject, UUID, type OrderPaidPayload } from '../../fixtures';
import { AdminOrdersPage, CartPage, CheckoutPage, formatPrice, LoginPage, OrderPage, ProductPage } from '../../pages';

/** Two browsers side by side: the customer’s and the admin’s, each its own context (cookies, session). */
const test = base.extend<{ customerContext: BrowserContext; adminContext: BrowserContext }>({
  customerContext: async ({ browser, baseURL, browserDiagnostics }, use) => {
    const context = await browser.newContext({ baseURL });
    browserDiagnostics.watch(context, 'customer');
    await use(context);
    await context.close();
  },
  adminContext: async ({ browser, baseURL, browserDiagnostics }, use) => {
    const context = await browser.newContext({ baseURL });
    browserDiagnostics.watch(context, 'admin');
    await use(context);
    await context.close();
  },
});

test.describe('journey: a purchase, in the browser', { tag: ['@orders', '@payments', '@events', '@mail', '@journey', '@web'] }, () => {
  test('the customer buys, pays and reviews in one browser while the admin ships and delivers in another', async ({
    customerContext,
    adminContext,
    factory,
    checkout,
    events,
    mailbox,
  }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ price: 45, stock: 6 }));
    const [kettle] = products;
    const discount = await factory.discountCode({ percentOff: 20 });
    const address = factory.address('US');
    const shipment = { carrier: 'USPS', trackingNumber: `9400${factory.faker.string.numeric(18)}` };
    const shopper = await factory.registeredUser();
    // 2 × 45 = 90, 20% off = 72: under the free-shipping threshold, so the flat rate applies.
    const total = 72 + env.shippingFlatRate;

    const customerPage = await customerContext.newPage();
    const adminPage = await adminContext.newPage();
    const product = new ProductPage(customerPage);
    const cart = new CartPage(customerPage);
    const checkoutPage = new CheckoutPage(customerPage);
    const order = new OrderPage(customerPage);
    const adminOrders = new AdminOrdersPage(adminPage);

    await test.step('the customer logs in', async () => {
      const login = new LoginPage(customerPage);
      await login.goto();
      await login.login(shopper);
      await expect(customerPage).toHaveURL(/\/account$/);
    });

    await test.step('1. add two kettles to the cart from the product page', async () => {
      await product.goto(kettle.id);
      await product.addToCart(2);
      await expect(customerPage).toHaveURL(/\/cart$/);
      await expect(cart.row(kettle.name).getByLabel('Quantity')).toHaveValue('2');
      await expect(cart.amount('Subtotal')).toHaveText(formatPrice(90));
    });

    await test.step('2. apply a 20% discount code', async () => {
      await cart.applyDiscount(discount.code.toLowerCase());
      await expect(cart.amount('Discount')).toHaveText(formatPrice(18));
    });

    await test.step('3. save the shipping address: flat-rate shipping, and the Checkout link appears', async () => {
      await cart.setShippingAddress(address);
      await expect(cart.amount('Shipping')).toHaveText(formatPrice(env.shippingFlatRate));
      await expect(cart.amount('Total')).toHaveText(formatPrice(total));
      await expect(cart.checkoutLink).toBeVisible();
    });

    const { orderId, placement } = await test.step('4. check out and pay with Visa: the order page, orders.created on Kafka under the click’s correlation id', async () => {
      await cart.checkout();
      await expect(checkoutPage.total).toHaveText(formatPrice(total));
      const answer = customerPage.waitForResponse((response) => response.request().method() === 'POST' && new URL(response.url()).pathname === '/checkout');
      await checkoutPage.payWith('Visa (succeeds)');
      // The click's form post: the shop's answer names the id every effect of this purchase carries.
      const correlationId = (await answer).headers()['x-correlation-id'];
      expect(correlationId).toMatch(UUID);
      await expect(customerPage).toHaveURL(/\/orders\/[0-9a-f-]{36}$/);
      const id = order.orderIdFromUrl();
      await expect(order.heading(id)).toBeVisible();
      const created = await events.waitFor('orders.created', { orderId: id });
      expect(created.envelope.payload).toMatchObject({ total, discountTotal: 18 });
      expect(created.envelope.correlationId).toBe(correlationId);
      return { orderId: id, placement: correlationId };
    });

    await test.step('5. the payment webhook arrives: the page shows Paid after a reload, orders.paid on Kafka under the same id', async () => {
      const paid = await events.waitFor<OrderPaidPayload>('orders.paid', { orderId });
      expect(paid.envelope.payload.amount).toBe(total);
      expect(paid.envelope.correlationId).toBe(placement);
      await order.reloadUntilStatus('Paid');
    });

    await test.step('6. the confirmation mail arrives in MailHog, naming the click in X-Correlation-Id', async () => {
      const mail = await mailbox.waitForEmail({ to: shopper.email, subject: orderMailSubject('confirmation', orderId) });
      expect(mail).toBeOrderMail('confirmation', await checkout.order(orderId));
      expect(mail.headers['x-correlation-id']).toBe(placement);
    });

    await test.step('7. the admin, in their own browser, ships it from Orders', async () => {
      const login = new LoginPage(adminPage);
      await login.goto();
      await login.login({ email: env.adminEmail, password: env.adminPassword });
      await adminOrders.goto({ status: 'paid' });
      await expect(adminOrders.row(orderId)).toContainText(shopper.email);
      await adminOrders.ship(orderId, shipment);
      await expect(adminOrders.statusMessage).toHaveText(`Order ${orderId} shipped`);
      await events.waitFor('orders.shipped', { orderId, ...shipment });
    });

    await test.step('8. the shipping mail gives the carrier and the tracking number; the customer’s page shows them', async () => {
      const mail = await mailbox.waitForEmail({ to: shopper.email, subject: orderMailSubject('shipped', orderId) });
      expect(mail).toBeOrderMail('shipped', await checkout.order(orderId));
      await order.reloadUntilStatus('Shipped');
      await expect(order.text(shipment.trackingNumber)).toBeVisible();
    });

    await test.step('9. the admin marks it delivered; the customer sees Delivered', async () => {
      await adminOrders.goto({ status: 'shipped' });
      await adminOrders.markDelivered(orderId);
      await expect(adminOrders.statusMessage).toHaveText(`Order ${orderId} delivered`);
      await events.waitFor('orders.delivered', { orderId });
      await order.reloadUntilStatus('Delivered');
    });

    await test.step('10. the customer reviews the kettle: shown as a verified purchase', async () => {
      await product.goto(kettle.id);
      await product.writeReview({ rating: 5, comment: 'Boils fast, pours clean.' });
      const review = product.review('Boils fast, pours clean.');
      await expect(review).toContainText('Rated 5 out of 5');
      await expect(review).toContainText('Verified purchase');
      await expect(review).toContainText(shopper.name);
    });
  });
});
