import type { APIRequestContext, APIResponse } from '@playwright/test';
import { test, expect, expectError, expectJson, type Customer, type ShopDb } from '../../fixtures';
import type { Order } from '../../fixtures/api/types';

/**
 * Other customers' resources (docs/API.md, "Users" and "Orders"): every route that takes an id, tried by a
 * signed-in customer on another customer's user or order. Each case expects the refusal (403 where the
 * route is the user's or an admin's, 404 where an order must not even be confirmed to exist), proves the
 * answer leaks nothing of the victim, and reads the database to prove nothing changed. The admin reading
 * the same order first shows that the id is real, so a refusal is not an accident of a wrong id.
 */

interface Scene {
  attacker: Customer;
  victim: Customer;
  order: Order;
  /** The attacker's request context signed in through the login form, as a browser would be. */
  attackerWeb: APIRequestContext;
}

interface Case {
  name: string;
  act: (scene: Scene) => Promise<APIResponse>;
  /** The refusal: an API error envelope, or an HTML page with this status and heading. */
  expected: { status: number; code: string } | { status: number; page: RegExp };
}

/** What must not have changed: the victim's row, the order's row, and no event of the order beyond its purchase. */
async function stateOf(db: ShopDb, scene: Scene) {
  const user = await db.userById(scene.victim.user.id);
  const order = await db.orderById(scene.order.id);
  const topics = (await db.outboxRowsFor(scene.order.id)).map((row) => row.topic.replace(/^.*?(orders\.)/, '$1')).sort();
  return { user, status: order?.status, total: order?.total, topics };
}

async function expectRefusal(response: APIResponse, expected: Case['expected']): Promise<void> {
  if ('code' in expected) {
    await expectError(response, expected.status, expected.code);
    return;
  }
  await expect(response).toHaveStatus(expected.status);
  expect(response.headers()['content-type']).toContain('text/html');
  expect(await response.text()).toMatch(expected.page);
}

const cases: Case[] = [
  { name: 'GET /api/users/:id', act: ({ attacker, victim }) => attacker.api.getUser(victim.user.id), expected: { status: 403, code: 'FORBIDDEN' } },
  { name: 'PATCH /api/users/:id (a name)', act: ({ attacker, victim }) => attacker.api.updateUser(victim.user.id, { name: 'Taken Over' }), expected: { status: 403, code: 'FORBIDDEN' } },
  { name: 'PATCH /api/users/:id (an email and password: a takeover)', act: ({ attacker, victim }) => attacker.api.updateUser(victim.user.id, { email: attacker.email.replace('@', '+owned@'), password: 'Owned-by-1' }), expected: { status: 403, code: 'FORBIDDEN' } },
  { name: 'DELETE /api/users/:id', act: ({ attacker, victim }) => attacker.api.deleteUser(victim.user.id), expected: { status: 403, code: 'FORBIDDEN' } },
  { name: 'GET /api/orders/:id', act: ({ attacker, order }) => attacker.api.getOrder(order.id), expected: { status: 404, code: 'ORDER_NOT_FOUND' } },
  { name: 'GET /api/orders/:id/history', act: ({ attacker, order }) => attacker.api.orderHistory(order.id), expected: { status: 404, code: 'ORDER_NOT_FOUND' } },
  { name: 'POST /api/orders/:id/cancel', act: ({ attacker, order }) => attacker.api.cancelOrder(order.id), expected: { status: 404, code: 'ORDER_NOT_FOUND' } },
  { name: 'POST /api/orders/:id/ship', act: ({ attacker, order }) => attacker.api.shipOrder(order.id, { carrier: 'DHL', trackingNumber: 'STOLEN-1' }), expected: { status: 403, code: 'FORBIDDEN' } },
  { name: 'POST /api/orders/:id/deliver', act: ({ attacker, order }) => attacker.api.deliverOrder(order.id), expected: { status: 403, code: 'FORBIDDEN' } },
  { name: 'the web page /orders/:id', act: ({ attackerWeb, order }) => attackerWeb.get(`/orders/${order.id}`), expected: { status: 404, page: /Order not found/ } },
  { name: 'the web form /admin/orders/:id/ship', act: ({ attackerWeb, order }) => attackerWeb.post(`/admin/orders/${order.id}/ship`, { form: { carrier: 'DHL', trackingNumber: 'STOLEN-2' }, maxRedirects: 0 }), expected: { status: 403, page: /Forbidden/ } },
  { name: 'the web form /admin/orders/:id/deliver', act: ({ attackerWeb, order }) => attackerWeb.post(`/admin/orders/${order.id}/deliver`, { form: {}, maxRedirects: 0 }), expected: { status: 403, page: /Forbidden/ } },
];

test.describe("other customers' resources", { tag: ['@security', '@orders', '@users', '@api'] }, () => {
  for (const attempt of cases) {
    test(`${attempt.name} on another customer's ${attempt.name.includes('users') ? 'account' : 'paid order'} is refused with ${attempt.expected.status}, leaks nothing and changes nothing`, async ({ factory, checkout, adminApi, apiClients, db }) => {
      const [attacker, victim] = await Promise.all([factory.customer(), factory.customer()]);
      const { products } = await factory.productsInOwnCategory(1, () => ({ price: 42.5, stock: 5 }));
      const order = await checkout.buy(victim, [{ product: products[0], quantity: 1 }]);
      await expect(await adminApi.getOrder(order.id), 'the order exists').toHaveStatus(200);
      const attackerWeb = (await apiClients.create()).request;
      await expect(await attackerWeb.post('/login', { form: { email: attacker.email, password: attacker.password }, maxRedirects: 0 })).toHaveStatus(303);
      const scene: Scene = { attacker, victim, order, attackerWeb };
      const before = await stateOf(db, scene);

      const response = await attempt.act(scene);

      await expectRefusal(response, attempt.expected);
      const body = await response.text();
      for (const secret of [victim.email, victim.user.name, order.shippingAddress.line1, String(order.total)]) {
        expect(body, 'the answer names nothing of the victim').not.toContain(secret);
      }
      expect(await stateOf(db, scene), 'the victim and the order as they were').toEqual(before);
      await expect(await victim.api.me(), "the victim's token still works").toHaveStatus(200);
    });
  }

  test("GET /api/orders?userId= of another customer lists only the caller's own orders", async ({ factory, checkout }) => {
    const [attacker, victim] = await Promise.all([factory.customer(), factory.customer()]);
    const { products } = await factory.productsInOwnCategory(1, () => ({ price: 42.5, stock: 5 }));
    const order = await checkout.buy(victim, [{ product: products[0], quantity: 1 }]);

    const listed = await expectJson(await attacker.api.listOrders({ userId: victim.user.id }));

    expect(listed.data.map((o) => o.id)).not.toContain(order.id);
    expect(listed.data).toEqual([]);
  });

  test("another customer's order and an order that does not exist get the same answer, so ids cannot be probed", async ({ factory, checkout }) => {
    const [attacker, victim] = await Promise.all([factory.customer(), factory.customer()]);
    const { products } = await factory.productsInOwnCategory(1, () => ({ price: 42.5, stock: 5 }));
    const order = await checkout.buy(victim, [{ product: products[0], quantity: 1 }]);
    const unknown = order.id.replace(/.$/, (c) => (c === '0' ? '1' : '0'));

    const theirs = await expectError(await attacker.api.getOrder(order.id), 404, 'ORDER_NOT_FOUND');
    const none = await expectError(await attacker.api.getOrder(unknown), 404, 'ORDER_NOT_FOUND');

    expect(theirs).toEqual(none);
  });
});
