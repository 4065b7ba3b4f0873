import { createHmac, randomUUID } from 'node:crypto';
import {
  test,
  expect,
  expectData,
  expectError,
  expectGraphqlError,
  expectJson,
  env,
  gql,
  gqlDocuments as gq,
  type Customer,
  type ErrorCode,
  type TypedDocument,
} from '../../fixtures';

/**
 * Who may read and do what through POST /graphql: the bearer token of REST, judged per field. Public catalog fields
 * answer anyone; a customer's fields and every mutation need a valid token and answer null with the REST code
 * otherwise, while the other fields of the same request keep their data. Another customer's order is not found.
 */

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An access token of the customer, signed with the shop's secret, that expired a minute ago. */
function expiredToken(customer: Customer): string {
  const now = Math.floor(Date.now() / 1000);
  const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: customer.user.id, role: 'customer', type: 'access', ver: 0, iat: now - 600, exp: now - 60, jti: randomUUID() })}`;
  return `${body}.${createHmac('sha256', env.jwtSecret).update(body).digest('base64url')}`;
}

const NOT_A_UUID_ORDER = randomUUID();

/** Each field that acts for the caller, with arguments that would succeed for a signed-in customer or fail later. */
const customerFields: Array<{ field: string; document: TypedDocument<unknown, Record<never, never>> }> = [
  { field: 'me', document: gql(`query { me { id } }`) },
  { field: 'cart', document: gql(`query { cart { total } }`) },
  { field: 'orders', document: gql(`query { orders { id } }`) },
  { field: 'order', document: gql(`query { order(id: "${NOT_A_UUID_ORDER}") { id } }`) },
  { field: 'orderHistory', document: gql(`query { orderHistory(orderId: "${NOT_A_UUID_ORDER}") { status } }`) },
  { field: 'addCartItem', document: gql(`mutation { addCartItem(productId: "${randomUUID()}", quantity: 1) { total } }`) },
  { field: 'updateCartItem', document: gql(`mutation { updateCartItem(productId: "${randomUUID()}", quantity: 2) { total } }`) },
  { field: 'removeCartItem', document: gql(`mutation { removeCartItem(productId: "${randomUUID()}") { total } }`) },
  { field: 'applyDiscount', document: gql(`mutation { applyDiscount(code: "WELCOME10") { total } }`) },
  { field: 'removeDiscount', document: gql(`mutation { removeDiscount { total } }`) },
  {
    field: 'setShippingAddress',
    document: gql(`mutation { setShippingAddress(address: { name: "A", line1: "1 Main St", city: "Springfield", postalCode: "12345", country: "US" }) { total } }`),
  },
  { field: 'placeOrder', document: gql(`mutation { placeOrder(paymentMethod: "pm_card_visa") { created } }`) },
];

test.describe('GraphQL: authentication per field', { tag: ['@auth', '@security'] }, () => {
  for (const { field, document } of customerFields) {
    test(`${field} without a token is null with UNAUTHENTICATED, as its REST route answers 401`, async ({ graphql }) => {
      const answer = await graphql.request(document);

      const error = expectGraphqlError(answer, 'UNAUTHENTICATED', { path: [field] });
      expect(error.message).toBe('A bearer token is required');
    });
  }

  test('a public field and `me` in one request without a token: the products are there, me is null with UNAUTHENTICATED', async ({ graphql, api, factory }) => {
    const { category, products } = await factory.productsInOwnCategory(2);

    const answer = await graphql.request(gq.CATALOG_AND_ME, { category: category.slug });

    expectGraphqlError(answer, 'UNAUTHENTICATED', { path: ['me'] });
    expect(answer.data?.products?.items.map((product) => product.id)).toEqual([products[1].id, products[0].id]);
    expect(answer.data?.products?.meta).toEqual((await expectJson(await api.listProducts({ category: category.slug }))).meta);
  });

  const badTokens: Array<{ name: string; token: (customer: Customer) => string; code: ErrorCode }> = [
    { name: 'a token that is not a JWT', token: () => 'not-a-token', code: 'INVALID_TOKEN' },
    { name: "the customer's token with its payload changed", token: (customer) => customer.accessToken.replace(/\.[^.]+\./, `.${b64({ sub: customer.user.id, role: 'admin' })}.`), code: 'INVALID_TOKEN' },
    { name: 'a refresh token', token: (customer) => customer.refreshToken, code: 'INVALID_TOKEN' },
    { name: 'an expired access token', token: expiredToken, code: 'TOKEN_EXPIRED' },
  ];

  for (const { name, token, code } of badTokens) {
    test(`${name}: the customer's fields are null with ${code}, the catalog still answers, REST answers 401 ${code}`, async ({ graphql, api, customer, factory }) => {
      const { category } = await factory.productsInOwnCategory(1);
      const bearer = token(customer);

      const answer = await graphql.as(bearer).request(gq.CATALOG_AND_ME, { category: category.slug });

      expectGraphqlError(answer, code, { path: ['me'] });
      expect(answer.data?.products?.meta.totalItems).toBe(1);
      await expectError(await api.me({ token: bearer }), 401, code);
    });
  }
});

test.describe('GraphQL: another customer’s order', { tag: ['@orders', '@security'] }, () => {
  test('order and orderHistory of another customer are null with ORDER_NOT_FOUND, as REST answers 404; the owner and an admin read it', async ({
    graphql,
    customer,
    factory,
    checkout,
    adminSession,
  }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 3 }));
    const order = await checkout.buy(customer, [{ product: products[0] }]);
    const other = await factory.customer();

    const asOther = graphql.as(other);
    const error = expectGraphqlError(await asOther.request(gq.ORDER, { id: order.id }), 'ORDER_NOT_FOUND', { path: ['order'] });
    expect(JSON.stringify(error), 'the refusal names nothing of the order').not.toContain(customer.user.id);
    expectGraphqlError(await asOther.request(gq.ORDER_HISTORY, { orderId: order.id }), 'ORDER_NOT_FOUND', { path: ['orderHistory'] });
    expect(expectData(await asOther.request(gq.ORDERS)).orders).toEqual([]);
    await expectError(await other.api.getOrder(order.id), 404, 'ORDER_NOT_FOUND');

    expect(expectData(await graphql.as(customer).request(gq.ORDER, { id: order.id })).order?.id).toBe(order.id);
    expect(expectData(await graphql.as(await adminSession.accessToken()).request(gq.ORDER, { id: order.id })).order).toMatchObject({
      id: order.id,
      userId: customer.user.id,
    });
  });
});
