import { test, expect, expectData, expectGraphqlError, gqlDocuments as gq } from '../../fixtures';

/**
 * updateProduct takes the version the admin read, as REST's PATCH takes If-Match (docs/API.md, "Product versions"):
 * the version is what GET /api/products/:id answers as its ETag, and a stale one keeps nothing of the change.
 */
test.describe('GraphQL updateProduct and the product version', { tag: ['@catalog', '@data', '@api'] }, () => {
  test('an admin changes a product against the version read: the answer is the product REST reads back, one version on', async ({ graphql, adminSession, factory, api, db }) => {
    const product = await factory.product(await factory.category(), { price: 40 });
    const admin = graphql.as(await adminSession.accessToken());

    const changed = expectData(await admin.request(gq.UPDATE_PRODUCT, { id: product.id, expectedVersion: product.version, changes: { price: 35.5 } })).updateProduct;

    const read = await api.getProduct(product.id);
    expect(changed).toEqual(await read.json());
    expect(changed).toMatchObject({ price: 35.5, version: product.version + 1 });
    expect(read.headers().etag).toBe(`"${product.version + 1}"`);
    expect((await db.productById(product.id))?.price).toBe(35.5);
  });

  test('two admins change the same product from the same version: the second is refused with PRECONDITION_FAILED and nothing of it is kept', async ({ graphql, adminSession, factory, db }) => {
    const product = await factory.product(await factory.category(), { price: 40 });
    const first = graphql.as(await adminSession.accessToken());
    const second = graphql.as(await adminSession.accessToken());
    expectData(await first.request(gq.UPDATE_PRODUCT, { id: product.id, expectedVersion: product.version, changes: { price: 39 } }));

    const stale = await second.request(gq.UPDATE_PRODUCT, { id: product.id, expectedVersion: product.version, changes: { price: 1, name: 'Second Admin Name' } });

    const error = expectGraphqlError(stale, 'PRECONDITION_FAILED', { path: ['updateProduct'] });
    expect(error.extensions?.details, 'the current version is named').toEqual([{ field: 'expectedVersion', message: `must name the current version "${product.version + 1}"` }]);
    expect(stale.data?.updateProduct ?? null).toBeNull();
    expect(await db.productById(product.id), "the first admin's change, none of the second's").toMatchObject({ price: 39, name: product.name, version: product.version + 1 });
  });

  test('a customer, or a caller without a token, changes nothing: FORBIDDEN and UNAUTHENTICATED', async ({ graphql, customer, factory, db }) => {
    const product = await factory.product(await factory.category(), { price: 40 });
    const variables = { id: product.id, expectedVersion: product.version, changes: { price: 0.01 } };

    expectGraphqlError(await graphql.as(customer).request(gq.UPDATE_PRODUCT, variables), 'FORBIDDEN', { path: ['updateProduct'] });
    expectGraphqlError(await graphql.anonymous.request(gq.UPDATE_PRODUCT, variables), 'UNAUTHENTICATED', { path: ['updateProduct'] });

    expect(await db.productById(product.id)).toMatchObject({ price: 40, version: product.version });
  });
});
