import { performance } from 'node:perf_hooks';
import { test, expect, expectData, expectGraphqlError, gql } from '../../fixtures';

/**
 * The limits of one GraphQL request (docs/API.md, "GraphQL"): its depth, its estimated cost and its size. A document
 * over one is refused whole before anything runs (400 and the code, no data): a mutation over one changes nothing.
 * A document at a limit runs.
 */

/** Nested as deep as the shop allows: 8 fields, from product to the id of a product of a product's category. */
const AT_DEPTH_LIMIT = gql<{ product: unknown }, { id: string }>(`
  query AtDepthLimit($id: ID!) {
    product(id: $id) { category { products(pageSize: 1) { items { category { products(pageSize: 1) { items { id } } } } } } }
  }`);

/** One level deeper than that. */
const PAST_DEPTH_LIMIT = gql<{ product: unknown }, { id: string }>(`
  query PastDepthLimit($id: ID!) {
    product(id: $id) { category { products(pageSize: 1) { items { category { products(pageSize: 1) { items { category { name } } } } } } } }
  }`);

/** A mutation nested 10 deep: refused before it runs, so the cart keeps nothing. */
const DEEP_MUTATION = gql<{ addCartItem: unknown }, { productId: string }>(`
  mutation DeepMutation($productId: ID!) {
    addCartItem(productId: $productId, quantity: 1) {
      items { product { category { products(pageSize: 1) { items { category { products(pageSize: 1) { items { id } } } } } } } }
    }
  }`);

/** Shallow but wide: every category, 100 products each, 100 products of each product's category. */
const TOO_COSTLY = gql<{ categories: unknown }>(`
  query TooCostly { categories { products(pageSize: 100) { items { category { products(pageSize: 100) { items { id } } } } } } }`);

/** A full page of 100 products with every field: the most a catalog client asks at once, under the limit. */
const FULL_PAGE = gql<{ products: { items: unknown[]; meta: { pageSize: number } } | null }, { category: string }>(`
  query FullPage($category: String) {
    products(category: $category, pageSize: 100) {
      items { id sku name description price currency stock createdAt updatedAt category { id slug name } }
      meta { page pageSize totalItems totalPages }
    }
  }`);

/** A mutation whose answer would read 100 products for each of the cart's lines. */
const COSTLY_MUTATION = gql<{ addCartItem: unknown }, { productId: string }>(`
  mutation CostlyMutation($productId: ID!) {
    addCartItem(productId: $productId, quantity: 1) {
      items { product { category { products(pageSize: 100) { items { id sku name description price currency stock createdAt updatedAt } } } } }
    }
  }`);

test.describe('GraphQL limits: depth', { tag: ['@protocol', '@security', '@api'] }, () => {
  test('a query one level past the depth limit is 400 QUERY_TOO_DEEP with no data; at the limit it runs; the shop stays healthy', async ({ graphql, api, factory }, testInfo) => {
    const { products } = await factory.productsInOwnCategory(1);

    const atLimit = expectData(await graphql.request(AT_DEPTH_LIMIT, { id: products[0].id }));
    expect(atLimit.product).toBeTruthy();

    const refused = await Promise.all(Array.from({ length: 20 }, () => graphql.request(PAST_DEPTH_LIMIT, { id: products[0].id })));
    for (const answer of refused) expect(expectGraphqlError(answer, 'QUERY_TOO_DEEP', { status: 400 }).extensions.maxDepth).toBe(8);

    const started = performance.now();
    const health = await api.health();
    const elapsed = performance.now() - started;
    await expect(health).toHaveStatus(200);
    // Recorded for the report, never asserted: a loaded machine may take longer.
    testInfo.annotations.push({ type: 'health-ms-after-20-refused-deep-queries', description: elapsed.toFixed(1) });
  });

  test('a mutation past the depth limit is refused before it runs: QUERY_TOO_DEEP, and the cart holds nothing', async ({ graphql, customer, factory, db }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));

    const answer = await graphql.as(customer).request(DEEP_MUTATION, { productId: products[0].id });

    expectGraphqlError(answer, 'QUERY_TOO_DEEP', { status: 400 });
    expect(await db.cartItems(customer.user.id)).toEqual([]);
  });
});

test.describe('GraphQL limits: cost and size', { tag: ['@protocol', '@security', '@api'] }, () => {
  test('a query whose lists multiply past the cost limit is 400 QUERY_TOO_COMPLEX with its cost; a full page of 100 products runs', async ({ graphql, factory }) => {
    const { category } = await factory.productsInOwnCategory(2);

    const error = expectGraphqlError(await graphql.request(TOO_COSTLY), 'QUERY_TOO_COMPLEX', { status: 400 });
    expect(error.extensions).toMatchObject({ maxCost: 5000 });
    expect(error.extensions.cost as number).toBeGreaterThan(5000);

    const page = expectData(await graphql.request(FULL_PAGE, { category: category.slug })).products;
    expect(page?.meta.pageSize).toBe(100);
    expect(page?.items).toHaveLength(2);
  });

  test('a mutation whose answer would cost past the limit is refused before it runs: the cart holds nothing', async ({ graphql, customer, factory, db }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));

    const answer = await graphql.as(customer).request(COSTLY_MUTATION, { productId: products[0].id });

    expectGraphqlError(answer, 'QUERY_TOO_COMPLEX', { status: 400 });
    expect(await db.cartItems(customer.user.id)).toEqual([]);
  });

  test('a document of more than 2,000 tokens is 400 QUERY_TOO_COMPLEX: parsing stops there', async ({ graphql }) => {
    const aliases = Array.from({ length: 500 }, (_, index) => `c${index}: categories { slug }`).join(' ');

    const error = expectGraphqlError(await graphql.send({ json: { query: `{ ${aliases} }` } }), 'QUERY_TOO_COMPLEX', { status: 400 });

    expect(error.extensions).toMatchObject({ maxTokens: 2000 });
  });
});
