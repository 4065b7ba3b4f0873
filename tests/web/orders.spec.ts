import { test, expect, signInWithToken } from '../../fixtures';
import { formatPrice } from '../../pages';

test.describe('orders in the browser', { tag: ['@orders', '@web'] }, () => {
  test('the order page shows the status, the items, the total, and the shipment once shipped', async ({ context, orderPage, customer, factory, checkout }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ price: 9.99, stock: 5 }));
    const order = await checkout.buy(customer, [{ product: products[0], quantity: 2 }]);
    await checkout.ship(order.id, { carrier: 'DHL', trackingNumber: 'JJD0099999999' });
    await signInWithToken(context, customer.accessToken);

    await orderPage.goto(order.id);

    await expect(orderPage.heading(order.id)).toBeVisible();
    await expect(orderPage.status).toHaveText('Shipped');
    await expect(orderPage.text(products[0].name)).toBeVisible();
    await expect(orderPage.total).toHaveText(formatPrice(order.total));
    await expect(orderPage.text('DHL')).toBeVisible();
    await expect(orderPage.text('JJD0099999999')).toBeVisible();
  });

  test('another customer’s order is the 404 page "Order not found"', async ({ context, orderPage, factory, checkout }) => {
    const [owner, other] = [await factory.customer(), await factory.customer()];
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    await checkout.cartReadyToOrder(owner, [{ product: products[0] }]);
    const order = await checkout.placeOrder(owner);
    await signInWithToken(context, other.accessToken);

    const response = await orderPage.goto(order.id);

    expect(response?.status()).toBe(404);
    await expect(orderPage.notFoundHeading).toBeVisible();
  });

  test('Your orders lists the customer’s orders, each linking to its page', async ({ page, context, ordersPage, orderPage, customer, factory, checkout }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    await checkout.cartReadyToOrder(customer, [{ product: products[0] }]);
    const first = await checkout.placeOrder(customer);
    await checkout.cartReadyToOrder(customer, [{ product: products[0] }]);
    await checkout.placeOrder(customer);
    await signInWithToken(context, customer.accessToken);

    await ordersPage.goto();

    await expect(ordersPage.heading).toBeVisible();
    await expect(ordersPage.list.getByRole('listitem')).toHaveCount(2);
    await ordersPage.link(first.id).click();
    await expect(page).toHaveURL(new RegExp(`/orders/${first.id}$`));
    await expect(orderPage.heading(first.id)).toBeVisible();
  });

  test('an admin ships a paid order and marks it delivered from Orders, with a status message each time', async ({ context, adminOrdersPage, adminSession, customer, factory, checkout }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    const order = await checkout.buy(customer, [{ product: products[0] }]);
    await signInWithToken(context, await adminSession.accessToken());

    await test.step('ship from the paid orders', async () => {
      await adminOrdersPage.goto({ status: 'paid' });
      await expect(adminOrdersPage.heading).toBeVisible();
      await expect(adminOrdersPage.row(order.id)).toContainText(customer.email);
      await adminOrdersPage.ship(order.id, { carrier: 'UPS', trackingNumber: '1Z12345E0205271688' });
      await expect(adminOrdersPage.statusMessage).toHaveText(`Order ${order.id} shipped`);
      expect(await checkout.order(order.id)).toMatchObject({ status: 'shipped', carrier: 'UPS', trackingNumber: '1Z12345E0205271688' });
    });

    await test.step('mark delivered from the shipped orders', async () => {
      await adminOrdersPage.goto({ status: 'shipped' });
      await adminOrdersPage.markDelivered(order.id);
      await expect(adminOrdersPage.statusMessage).toHaveText(`Order ${order.id} delivered`);
      expect((await checkout.order(order.id)).status).toBe('delivered');
    });
  });

  test('a customer gets the 403 page on /admin/orders', async ({ page, context, customer }) => {
    await signInWithToken(context, customer.accessToken);

    const response = await page.goto('/admin/orders');

    expect(response?.status()).toBe(403);
    await expect(page.getByRole('table', { name: 'Orders' })).toHaveCount(0);
  });
});
