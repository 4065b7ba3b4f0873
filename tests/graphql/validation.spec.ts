import type { APIResponse } from '@playwright/test';
import {
  test,
  expect,
  expectError,
  expectGraphqlError,
  gqlDocuments as gq,
  type Customer,
  type ErrorCode,
  type GraphqlAnswer,
  type GraphqlClient,
  type ShopClient,
} from '../../fixtures';

/**
 * The same bad input through REST and through GraphQL gets the same code, message and details, because the
 * resolvers run the REST routes' checks and services. Each row sends it both ways to one customer, and then reads
 * the cart, the orders and the stock to prove that neither changed anything.
 */

interface Scene {
  customer: Customer;
  /** In the customer's cart once (unless the row wants it empty), 3 in stock at $25. */
  product: { id: string };
  /** The customer's client, and an anonymous one, on each interface. */
  rest: ShopClient;
  anonymousRest: ShopClient;
  graphql: GraphqlClient;
}

interface Case {
  name: string;
  /** The domain tag of the row. */
  domain: '@cart' | '@shipping' | '@discounts' | '@orders' | '@catalog';
  status: number;
  code: ErrorCode;
  /** The GraphQL field that answers null with the error. */
  field: string;
  rest: (scene: Scene) => Promise<APIResponse>;
  graphql: (scene: Scene) => Promise<GraphqlAnswer<unknown>>;
  /** Where a REST detail names the field otherwise than the GraphQL argument (a header). */
  argumentOf?: Record<string, string>;
  emptyCart?: boolean;
}

const BAD_ADDRESS = { name: 'Ada Lovelace', line1: '12 Analytical Row', city: '  ', postalCode: '1234', country: 'nl' };

const cases: Case[] = [
  {
    name: 'a quantity of 0',
    status: 400,
    code: 'VALIDATION_ERROR',
    domain: '@cart',
    field: 'addCartItem',
    rest: ({ rest, product }) => rest.addToCart({ productId: product.id, quantity: 0 }),
    graphql: ({ graphql, product }) => graphql.request(gq.ADD_CART_ITEM, { productId: product.id, quantity: 0 }),
  },
  {
    name: 'a quantity that would make the cart hold more than 99',
    status: 400,
    code: 'VALIDATION_ERROR',
    domain: '@cart',
    field: 'addCartItem',
    rest: ({ rest, product }) => rest.addToCart({ productId: product.id, quantity: 99 }),
    graphql: ({ graphql, product }) => graphql.request(gq.ADD_CART_ITEM, { productId: product.id, quantity: 99 }),
  },
  {
    name: 'more than the stock',
    status: 409,
    code: 'OUT_OF_STOCK',
    domain: '@cart',
    field: 'addCartItem',
    rest: ({ rest, product }) => rest.addToCart({ productId: product.id, quantity: 3 }),
    graphql: ({ graphql, product }) => graphql.request(gq.ADD_CART_ITEM, { productId: product.id, quantity: 3 }),
  },
  {
    name: 'a product that does not exist',
    status: 400,
    code: 'INVALID_PRODUCT',
    domain: '@cart',
    field: 'addCartItem',
    rest: ({ rest }) => rest.addToCart({ productId: '7d3c9a52-0a4e-4f0e-9d55-000000000000', quantity: 1 }),
    graphql: ({ graphql }) => graphql.request(gq.ADD_CART_ITEM, { productId: '7d3c9a52-0a4e-4f0e-9d55-000000000000', quantity: 1 }),
  },
  {
    name: 'a quantity for a product that is not in the cart',
    status: 404,
    code: 'CART_ITEM_NOT_FOUND',
    domain: '@cart',
    field: 'updateCartItem',
    rest: ({ rest }) => rest.updateCartItem('not-a-product', { quantity: 2 }),
    graphql: ({ graphql }) => graphql.request(gq.UPDATE_CART_ITEM, { productId: 'not-a-product', quantity: 2 }),
  },
  {
    name: 'an address with an empty city and a postal code its country does not use',
    status: 400,
    code: 'VALIDATION_ERROR',
    domain: '@shipping',
    field: 'setShippingAddress',
    rest: ({ rest }) => rest.setShippingAddress(BAD_ADDRESS),
    graphql: ({ graphql }) => graphql.request(gq.SET_SHIPPING_ADDRESS, { address: BAD_ADDRESS }),
  },
  {
    name: 'an unknown discount code',
    status: 400,
    code: 'INVALID_DISCOUNT_CODE',
    domain: '@discounts',
    field: 'applyDiscount',
    rest: ({ rest }) => rest.applyDiscount('NO-SUCH-CODE'),
    graphql: ({ graphql }) => graphql.request(gq.APPLY_DISCOUNT, { code: 'no-such-code' }),
  },
  {
    name: 'a blank payment method',
    status: 400,
    code: 'VALIDATION_ERROR',
    domain: '@orders',
    field: 'placeOrder',
    rest: ({ rest }) => rest.placeOrder({ paymentMethod: '   ' }),
    graphql: ({ graphql }) => graphql.request(gq.PLACE_ORDER, { paymentMethod: '   ' }),
  },
  {
    name: 'an idempotency key with a space in it',
    status: 400,
    code: 'VALIDATION_ERROR',
    domain: '@orders',
    field: 'placeOrder',
    argumentOf: { 'Idempotency-Key': 'idempotencyKey' },
    rest: ({ rest }) => rest.placeOrder({ paymentMethod: 'pm_card_visa' }, { idempotencyKey: 'two words' }),
    graphql: ({ graphql }) => graphql.request(gq.PLACE_ORDER, { paymentMethod: 'pm_card_visa', idempotencyKey: 'two words' }),
  },
  {
    name: 'an empty cart',
    status: 400,
    code: 'CART_EMPTY',
    domain: '@orders',
    field: 'placeOrder',
    emptyCart: true,
    rest: ({ rest }) => rest.placeOrder({ paymentMethod: 'pm_card_visa' }),
    graphql: ({ graphql }) => graphql.request(gq.PLACE_ORDER, { paymentMethod: 'pm_card_visa' }),
  },
  {
    name: 'a listing with a page size over 100 and a price range upside down',
    status: 400,
    code: 'VALIDATION_ERROR',
    domain: '@catalog',
    field: 'products',
    rest: ({ anonymousRest }) => anonymousRest.listProducts({ pageSize: 101, minPrice: 50, maxPrice: 10 }),
    graphql: ({ graphql }) => graphql.anonymous.request(gq.PRODUCTS, { pageSize: 101, minPrice: 50, maxPrice: 10 }),
  },
];

/** One test per row: the row's input both ways, the same answer, and nothing changed. */
function parityTests(domain: Case['domain']): void {
  for (const row of cases.filter((candidate) => candidate.domain === domain)) {
    test(`${row.name}: ${row.code} with the details REST gives, and nothing changed`, async ({ api, customer, factory, checkout, graphql, db, events }) => {
      const { products } = await factory.productsInOwnCategory(1, () => ({ price: 25, stock: 3 }));
      const [product] = products;
      const scene: Scene = { customer, product, rest: customer.api, anonymousRest: api, graphql: graphql.as(customer) };
      await checkout.cartReadyToOrder(customer, row.emptyCart ? [] : [{ product }]);
      const cartBefore = await checkout.cart(customer);

      const restError = await expectError(await row.rest(scene), row.status, row.code);
      const error = expectGraphqlError(await row.graphql(scene), row.code, { path: [row.field] });

      expect(error.message).toBe(restError.message);
      const renamed = restError.details?.map((detail) => ({ ...detail, field: row.argumentOf?.[detail.field] ?? detail.field }));
      expect(error.extensions.details).toEqual(renamed);

      expect(await checkout.cart(customer), 'the cart is as it was').toEqual(cartBefore);
      expect(await db.ordersOfUser(customer.user.id), 'no order was made').toEqual([]);
      expect((await db.productById(product.id))?.stock, 'no stock was reserved').toBe(3);
      await expect(events).not.toHavePublished('orders.created', { userId: customer.user.id });
    });
  }
}

test.describe('GraphQL input, cart: the REST rules and codes', { tag: ['@cart', '@validation', '@api'] }, () => {
  parityTests('@cart');
});

test.describe('GraphQL input, shipping address: the REST rules and codes', { tag: ['@shipping', '@validation', '@api'] }, () => {
  parityTests('@shipping');
});

test.describe('GraphQL input, discount codes: the REST rules and codes', { tag: ['@discounts', '@validation', '@api'] }, () => {
  parityTests('@discounts');
});

test.describe('GraphQL input, placing an order: the REST rules and codes', { tag: ['@orders', '@validation', '@api'] }, () => {
  parityTests('@orders');
});

test.describe('GraphQL input, the catalog listing: the REST rules and codes', { tag: ['@catalog', '@validation', '@api'] }, () => {
  parityTests('@catalog');
});
