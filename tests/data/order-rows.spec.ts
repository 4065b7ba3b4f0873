import { randomUUID } from 'node:crypto';
import { test, expect, expectJson, expectError, TEST_CARDS } from '../../fixtures';

test.describe('order rows', { tag: ['@orders', '@data'] }, () => {
  test('placing an order writes the order, one order_items row per product, the reserved stock, and empties cart_items', async ({ customer, factory, checkout, db }) => {
    const { products } = await factory.productsInOwnCategory(2, (index) => ({ price: [10.1, 2.25][index], stock: 9 }));
    await checkout.cartReadyToOrder(customer, [{ product: products[0], quantity: 2 }, { product: products[1], quantity: 4 }]);
    expect(await db.cartItems(customer.user.id)).toHaveLength(2);
    const idempotencyKey = randomUUID();

    const order = await checkout.placeOrder(customer, { idempotencyKey });

    const row = await db.orderById(order.id);
    expect(row).toMatchObject({
      userId: customer.user.id,
      archivedUserId: null,
      subtotal: 29.2,
      discountTotal: 0,
      shippingCost: order.shippingCost,
      total: order.total,
      currency: 'USD',
      paymentIntentId: order.payment?.intentId,
      idempotencyKey,
      sequence: 1,
    });
    expect(['pending_payment', 'paid']).toContain(row?.status);
    expect(await db.orderItems(order.id)).toEqual(
      expect.arrayContaining([
        { orderId: order.id, productId: products[0].id, name: products[0].name, unitPrice: 10.1, quantity: 2 },
        { orderId: order.id, productId: products[1].id, name: products[1].name, unitPrice: 2.25, quantity: 4 },
      ]),
    );
    expect((await db.productById(products[0].id))?.stock).toBe(7);
    expect((await db.productById(products[1].id))?.stock).toBe(5);
    expect(await db.cartItems(customer.user.id)).toEqual([]);
  });

  test('a declined payment leaves no order row, no order_items and the stock as it was', async ({ customer, factory, checkout, db }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 3 }));
    await checkout.cartReadyToOrder(customer, [{ product: products[0], quantity: 3 }]);

    await expectError(await checkout.attemptOrder(customer, { paymentMethod: TEST_CARDS.declined }), 400, 'CARD_DECLINED');

    expect(await db.ordersOfUser(customer.user.id)).toEqual([]);
    expect((await db.productById(products[0].id))?.stock).toBe(3);
    expect(await db.cartItems(customer.user.id)).toEqual([{ productId: products[0].id, quantity: 3 }]);
  });

  test('deleting a user archives their orders: status archived, user_id cleared, archived_user_id kept', async ({ customer, factory, checkout, adminApi, db }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 10 }));
    const paid = await checkout.buy(customer, [{ product: products[0] }]);
    const delivered = await checkout.delivered(customer, [{ product: products[0] }]);

    await expect(await customer.api.deleteUser(customer.user.id)).toHaveStatus(204);

    for (const order of [paid, delivered]) {
      await test.step(`order ${order.id}`, async () => {
        expect(await db.orderById(order.id)).toMatchObject({ status: 'archived', userId: null, archivedUserId: customer.user.id });
        const read = await adminApi.getOrder(order.id);
        await expect(read).toHaveStatus(200);
        expect(await expectJson(read)).toMatchObject({ status: 'archived', userId: null });
      });
    }
    expect((await db.ordersOfUser(customer.user.id)).map((row) => row.status)).toEqual(['archived', 'archived']);
  });

  test('every order event is written to the outbox keyed by the order id, in sequence, and relayed', async ({ customer, factory, checkout, db, events }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 10 }));
    const order = await checkout.delivered(customer, [{ product: products[0] }]);
    await events.waitFor('orders.delivered', { orderId: order.id });

    const rows = await db.outboxRowsFor(order.id);

    expect(rows.map((row) => row.topic)).toEqual(['orders.created', 'orders.paid', 'orders.shipped', 'orders.delivered']);
    expect(rows.map((row) => (row.payload as { payload: { sequence: number } }).payload.sequence)).toEqual([1, 2, 3, 4]);
    await expect.poll(async () => (await db.outboxRowsFor(order.id)).every((row) => row.publishedAt !== null), { message: 'all relayed' }).toBe(true);
  });
});
