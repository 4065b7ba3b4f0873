import { randomUUID } from 'node:crypto';
import {
  test,
  expect,
  expectData,
  expectGraphqlError,
  orderMailSubject,
  env,
  cents,
  dollars,
  gqlDocuments as gq,
  TEST_CARDS,
  type OrderCreatedPayload,
  type OrderPaidPayload,
} from '../../fixtures';

/**
 * Mutations go through the services the REST routes call: their answers are what REST reads back, and their side
 * effects are REST's: the cart's rows, the order's row, orders.created and orders.paid, the confirmation mail.
 */

test.describe('GraphQL mutations: the cart', { tag: ['@cart', '@data', '@api'] }, () => {
  test('add, change, discount, address and remove answer the cart GET /api/cart then reads, and change its rows', async ({ graphql, customer, factory, checkout, db }) => {
    const { products } = await factory.productsInOwnCategory(2, (index) => ({ price: [30, 12.25][index], stock: 10 }));
    const [lamp, bulb] = products;
    const discount = await factory.discountCode({ percentOff: 20 });
    const client = graphql.as(customer);

    const added = expectData(await client.request(gq.ADD_CART_ITEM, { productId: lamp.id, quantity: 2 })).addCartItem;
    expect(added).toEqual(await checkout.cart(customer));
    expect(await db.cartItems(customer.user.id)).toEqual([{ productId: lamp.id, quantity: 2 }]);

    expectData(await client.request(gq.ADD_CART_ITEM, { productId: bulb.id, quantity: 1 }));
    const changed = expectData(await client.request(gq.UPDATE_CART_ITEM, { productId: lamp.id, quantity: 3 })).updateCartItem;
    expect(changed?.items.map((item) => [item.productId, item.quantity])).toEqual([[lamp.id, 3], [bulb.id, 1]]);
    expect(changed?.subtotal).toBe(102.25);

    const discounted = expectData(await client.request(gq.APPLY_DISCOUNT, { code: discount.code.toLowerCase() })).applyDiscount;
    expect(discounted?.discount).toEqual({ code: discount.code, amount: 20.45 });

    const address = { name: '  Grace Hopper ', line1: '1 Compiler Lane', line2: '', city: 'London', postalCode: 'sw1a 2aa', country: 'gb' };
    const shipped = expectData(await client.request(gq.SET_SHIPPING_ADDRESS, { address })).setShippingAddress;
    expect(shipped?.shipping).toEqual({
      address: { name: 'Grace Hopper', line1: '1 Compiler Lane', line2: null, city: 'London', postalCode: 'SW1A 2AA', country: 'GB' },
      cost: 15,
    });
    // 102.25 - 20.45 + 15 (international): every term non-zero.
    expect(shipped?.total).toBe(96.8);
    expect(shipped).toEqual(await checkout.cart(customer));

    const removed = expectData(await client.request(gq.REMOVE_CART_ITEM, { productId: bulb.id })).removeCartItem;
    expect(removed?.items.map((item) => item.productId)).toEqual([lamp.id]);
    expect(await db.cartItems(customer.user.id)).toEqual([{ productId: lamp.id, quantity: 3 }]);
    expect(removed).toEqual(await checkout.cart(customer));
  });
});

test.describe('GraphQL mutations: placing an order', { tag: ['@orders', '@events', '@mail', '@api'] }, () => {
  test('placeOrder places and charges once: the order row, orders.created with the request’s correlation id, orders.paid, the confirmation mail; the same key again answers the same order', async ({
    graphql,
    customer,
    factory,
    checkout,
    db,
    events,
    mailbox,
    payments,
  }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ price: 42.1, stock: 4 }));
    await checkout.cartReadyToOrder(customer, [{ product: products[0], quantity: 2 }], { address: factory.address('US') });
    const paymentMethod = await payments.method({ type: 'succeed' });
    const idempotencyKey = `gql-${randomUUID()}`;
    const correlationId = randomUUID();
    const client = graphql.as(customer);

    const placed = expectData(await client.request(gq.PLACE_ORDER, { paymentMethod, idempotencyKey }, { correlationId })).placeOrder;
    expect(placed?.created).toBe(true);
    const order = placed!.order;
    // 84.20, under the free-shipping threshold: the flat rate applies.
    const total = dollars(cents(84.2) + cents(env.shippingFlatRate));
    expect(order).toMatchObject({ userId: customer.user.id, status: 'pending_payment', subtotal: 84.2, total, items: [{ productId: products[0].id, quantity: 2 }] });

    const row = await db.orderById(order.id);
    expect(row).toMatchObject({ userId: customer.user.id, total, idempotencyKey, paymentIntentId: order.payment?.intentId });
    expect(await db.cartItems(customer.user.id), 'the cart was emptied').toEqual([]);
    expect((await db.productById(products[0].id))?.stock, 'the stock is reserved').toBe(2);

    const created = await events.waitFor<OrderCreatedPayload>('orders.created', { orderId: order.id });
    expect(created.envelope.correlationId).toBe(correlationId);
    expect(created.envelope.payload).toMatchObject({ userId: customer.user.id, sequence: 1, total });
    const paid = await events.waitFor<OrderPaidPayload>('orders.paid', { orderId: order.id });
    expect(paid.envelope.payload).toMatchObject({ amount: total, paymentIntentId: order.payment?.intentId });

    const mail = await mailbox.waitForEmail({ to: customer.email, subject: orderMailSubject('confirmation', order.id) });
    expect(mail).toBeOrderMail('confirmation', order);

    const replayed = expectData(await client.request(gq.PLACE_ORDER, { paymentMethod, idempotencyKey })).placeOrder;
    expect(replayed).toMatchObject({ created: false, order: { id: order.id, status: 'paid' } });
    expect((await db.ordersOfUser(customer.user.id)).map((made) => made.id)).toEqual([order.id]);
    expect((await payments.calls(paymentMethod)).filter((call) => !call.replayed), 'the provider charged once').toHaveLength(1);
    expect((await events.publishedAfterFlush('orders.created', { userId: customer.user.id })).found).toHaveLength(1);
  });

  test('a declined card: null with CARD_DECLINED and the provider’s message; no order, no event, the stock and the cart as they were', { tag: ['@payments', '@failure'] }, async ({
    graphql,
    customer,
    factory,
    checkout,
    db,
    events,
  }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ price: 19.5, stock: 3 }));
    const cart = await checkout.cartReadyToOrder(customer, [{ product: products[0] }]);

    const answer = await graphql.as(customer).request(gq.PLACE_ORDER, { paymentMethod: TEST_CARDS.declined });

    const error = expectGraphqlError(answer, 'CARD_DECLINED', { path: ['placeOrder'] });
    expect(error.extensions.details).toEqual([{ field: 'paymentMethod', message: 'Your card was declined.' }]);
    expect(await db.ordersOfUser(customer.user.id)).toEqual([]);
    expect((await db.productById(products[0].id))?.stock).toBe(3);
    expect(expectData(await graphql.as(customer).request(gq.CART)).cart).toEqual(cart);
    await expect(events).not.toHavePublished('orders.created', { userId: customer.user.id });
  });
});
