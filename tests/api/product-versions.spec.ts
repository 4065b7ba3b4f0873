import type { APIResponse } from '@playwright/test';
import { test, expect, expectError, expectJson, productEtag, type Product, type ProductRow, type ShopClient, type ShopDb } from '../../fixtures';

// docs/API.md, "Product versions": the ETag is the product's version, and a change must name the version it was
// made against in If-Match. Every refused change is checked against the row itself: nothing of it may be kept.

async function rowOf(db: ShopDb, product: { id: string }): Promise<ProductRow> {
  const row = await db.productById(product.id);
  expect(row, `product ${product.id} has a row`).toBeDefined();
  return row!;
}

/** A 412 names the current version in its detail, its message and its ETag header. */
async function expectStale(response: APIResponse, currentVersion: number) {
  const error = await expectError(response, 412, 'PRECONDITION_FAILED');
  expect(error.details).toEqual([{ field: 'If-Match', message: `must name the current version "${currentVersion}"` }]);
  expect(error.message).toContain(`Its current version is ${currentVersion}`);
  expect(response.headers()['etag'], 'the current version as the ETag').toBe(`"${currentVersion}"`);
  return error;
}

/** The product as the API shows it now, with the ETag its GET answered. */
async function read(client: ShopClient, product: { id: string }): Promise<{ product: Product; etag: string }> {
  const response = await client.getProduct(product.id);
  return { product: await expectJson(response), etag: response.headers()['etag'] };
}

test.describe('product versions', { tag: ['@catalog', '@api'] }, () => {
  test('GET answers the version as a strong ETag, the same on every read until the product changes', async ({ api, adminApi, factory, db }) => {
    const category = await factory.category();
    const created = await factory.product(category, { price: 30, stock: 12 });

    const first = await read(api, created);
    const again = await read(api, created);

    expect(created.version, 'a new product is version 1').toBe(1);
    expect(first.etag, 'strong: no W/ prefix, the version in quotes').toBe('"1"');
    expect(first.etag, 'the format docs/API.md gives, as the client derives it').toBe(productEtag(created));
    expect(first.product).toEqual(created);
    expect(again.etag, 'reading changes nothing').toBe('"1"');
    expect((await rowOf(db, created)).version).toBe(1);

    await expect(await adminApi.updateProduct(created.id, { name: `${created.name} v2` }, { ifMatch: first.etag })).toHaveStatus(200);

    const changed = await read(api, created);
    expect(changed.etag).toBe('"2"');
    expect(changed.product).toEqual({ ...created, name: `${created.name} v2`, updatedAt: expect.any(String), version: 2 });
    const listed = await expectJson(await api.listProducts({ category: category.slug }));
    expect(listed.data, 'the listing shows the same version').toEqual([changed.product]);
  });

  test('a PATCH with the current If-Match applies, answers the new ETag and changes only what it names', async ({ adminApi, factory, db }) => {
    const product = await factory.product(await factory.category(), { price: 40, stock: 9 });
    const before = await rowOf(db, product);
    const { etag } = await read(adminApi, product);

    const response = await adminApi.updateProduct(product.id, { price: 35.5 }, { ifMatch: etag });

    const updated = await expectJson(response);
    expect(response.headers()['etag'], 'the new version').toBe('"2"');
    expect(updated).toEqual({ ...product, price: 35.5, updatedAt: expect.any(String), version: 2 });
    expect(await rowOf(db, product)).toEqual({ ...before, price: 35.5, updatedAt: expect.any(Date), version: 2, editedVersion: 2 });
  });

  test('two admins edit the same version: the first wins, the second gets 412 with the current version and nothing of it is kept', async ({ adminApi, adminSession, apiClients, factory, db }) => {
    const otherAdmin = await apiClients.create(await adminSession.accessToken());
    const product = await factory.product(await factory.category(), { price: 50, stock: 20, description: 'as created' });
    const [seenByFirst, seenBySecond] = [await read(adminApi, product), await read(otherAdmin, product)];
    expect(seenBySecond.etag, 'both read the same version').toBe(seenByFirst.etag);

    await test.step('the first admin changes the price and the name', async () => {
      await expect(await adminApi.updateProduct(product.id, { price: 45.25, name: 'First admin’s name' }, { ifMatch: seenByFirst.etag })).toHaveStatus(200);
    });

    const afterFirst = await rowOf(db, product);

    await test.step('the second admin, on the version both read, is refused with the current version', async () => {
      const response = await otherAdmin.updateProduct(
        product.id,
        { price: 60.75, description: 'second admin’s description', stock: 3 },
        { ifMatch: seenBySecond.etag },
      );
      const error = await expectStale(response, 2);
      expect(error.message).toMatch(/^The product was changed since that version/);
    });

    const row = await rowOf(db, product);
    expect(row, 'the row is the first admin’s, field for field').toEqual(afterFirst);
    expect(row).toMatchObject({ price: 45.25, name: 'First admin’s name', description: 'as created', stock: 20, version: 2, editedVersion: 2 });
  });

  test('a PATCH or a DELETE without If-Match is 428 PRECONDITION_REQUIRED and the row is unchanged', async ({ api, adminApi, factory, db }) => {
    const product = await factory.product(await factory.category(), { price: 12.5, stock: 4 });
    const before = await rowOf(db, product);

    const patched = await expectError(await adminApi.updateProduct(product.id, { price: 99.99, stock: 40 }), 428, 'PRECONDITION_REQUIRED');
    const deleted = await expectError(await adminApi.deleteProduct(product.id), 428, 'PRECONDITION_REQUIRED');

    for (const error of [patched, deleted]) expect(error.details).toEqual([{ field: 'If-Match', message: 'is required' }]);
    expect(await rowOf(db, product), 'no field, no version, no deletion').toEqual(before);
    expect((await read(api, product)).product).toEqual(product);
  });

  test('a DELETE with a stale If-Match is 412 and the product is still there; with the current one it goes', async ({ api, adminApi, factory, db }) => {
    const product = await factory.product(await factory.category(), { price: 22, stock: 6 });
    const stale = await read(adminApi, product);
    await expect(await adminApi.updateProduct(product.id, { price: 21 }, { ifMatch: stale.etag })).toHaveStatus(200);
    const before = await rowOf(db, product);

    await expectStale(await adminApi.deleteProduct(product.id, { ifMatch: stale.etag }), 2);

    expect(await rowOf(db, product), 'not deleted, version kept').toEqual(before);
    expect(before).toMatchObject({ deletedAt: null, version: 2 });
    expect((await read(api, product)).product).toMatchObject({ id: product.id, price: 21, version: 2 });

    await expect(await adminApi.deleteProduct(product.id, { ifMatch: '"2"' })).toHaveStatus(204);
    expect(await rowOf(db, product)).toMatchObject({ deletedAt: expect.any(Date), version: 3, editedVersion: 3, price: 21 });
    await expectError(await api.getProduct(product.id), 404, 'PRODUCT_NOT_FOUND');
  });

  test('two PATCHes sent at once with the same If-Match: exactly one applies, the other is 412', async ({ adminApi, factory, db }) => {
    // Both the plain change (no admin edit since) and the stock change (nothing at all since) are checked in the
    // UPDATE itself; Promise.all sends both before either answers.
    const cases = [
      { name: 'two prices', changes: [{ price: 70.1 }, { price: 80.2 }] },
      { name: 'two stock counts', changes: [{ stock: 31 }, { stock: 42 }] },
    ];
    for (const { name, changes } of cases) {
      await test.step(name, async () => {
        const product = await factory.product(await factory.category(), { price: 65, stock: 25 });
        const { etag } = await read(adminApi, product);

        const answers = await Promise.all(changes.map((change) => adminApi.updateProduct(product.id, change, { ifMatch: etag })));

        expect(answers.map((answer) => answer.status()).sort()).toEqual([200, 412]);
        const winner = changes[answers.findIndex((answer) => answer.status() === 200)];
        const loser = answers.find((answer) => answer.status() === 412)!;
        await expectStale(loser, 2);
        expect(await rowOf(db, product), 'the winner’s change, one version on').toMatchObject({ price: 65, stock: 25, ...winner, version: 2, editedVersion: 2 });
      });
    }
  });

  test('If-Match: * applies to whatever version the product is at; a weak or malformed If-Match never does', async ({ adminApi, factory, db }) => {
    const product = await factory.product(await factory.category(), { price: 15, stock: 8 });
    await expect(await adminApi.updateProduct(product.id, { price: 16 }, { ifMatch: product })).toHaveStatus(200);

    await test.step('a weak tag of the current version: 412 (If-Match compares strongly)', async () => {
      const before = await rowOf(db, product);
      await expectStale(await adminApi.updateProduct(product.id, { price: 17 }, { ifMatch: 'W/"2"' }), 2);
      expect(await rowOf(db, product)).toEqual(before);
    });

    await test.step('a value that is no entity tag: 400 on If-Match', async () => {
      const before = await rowOf(db, product);
      const error = await expectError(await adminApi.updateProduct(product.id, { price: 17 }, { ifMatch: '2' }), 400, 'VALIDATION_ERROR');
      expect(error.details).toEqual([{ field: 'If-Match', message: 'must be * or entity tags from ETag, like "3"' }]);
      expect(await rowOf(db, product)).toEqual(before);
    });

    await test.step('a list holds if one of its tags does', async () => {
      const answer = await adminApi.updateProduct(product.id, { price: 17 }, { ifMatch: '"1", "2"' });
      expect((await expectJson(answer)).version).toBe(3);
    });

    await test.step('* on version 3 applies, and so does a DELETE with *', async () => {
      const changed = await adminApi.updateProduct(product.id, { price: 18, stock: 80 }, { ifMatch: '*' });
      expect(changed.headers()['etag']).toBe('"4"');
      expect(await expectJson(changed)).toMatchObject({ price: 18, stock: 80, version: 4 });
      await expect(await adminApi.deleteProduct(product.id, { ifMatch: '*' })).toHaveStatus(204);
      expect(await rowOf(db, product)).toMatchObject({ price: 18, stock: 80, deletedAt: expect.any(Date), version: 5 });
    });
  });
});

test.describe('product versions and orders', { tag: ['@catalog', '@orders', '@api'] }, () => {
  test('an order between the admin’s read and PATCH: a new price still applies, a stock count is 412 and the reservation is kept', async ({ adminApi, customer, factory, checkout, db }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ price: 20, stock: 10 }));
    const [product] = products;
    const seenByAdmin = await read(adminApi, product);

    await test.step('a customer orders 3: the reservation raises the version and the ETag', async () => {
      await checkout.cartReadyToOrder(customer, [{ product, quantity: 3 }]);
      await checkout.placeOrder(customer);
      expect(await rowOf(db, product)).toMatchObject({ stock: 7, version: 2, editedVersion: 1, price: 20 });
      expect((await read(adminApi, product)).etag).toBe('"2"');
    });

    await test.step('the admin’s absolute stock on the version read would undo the reservation: 412, stock kept', async () => {
      const before = await rowOf(db, product);
      const error = await expectStale(await adminApi.updateProduct(product.id, { stock: 10, price: 19 }, { ifMatch: seenByAdmin.etag }), 2);
      expect(error.message).toMatch(/^Orders changed the stock of the product since that version/);
      expect(await rowOf(db, product), 'neither the stock nor the price').toEqual(before);
    });

    await test.step('the admin’s new price on the version read applies: orders do not conflict with it', async () => {
      const response = await adminApi.updateProduct(product.id, { price: 18.5 }, { ifMatch: seenByAdmin.etag });
      expect(await expectJson(response)).toMatchObject({ price: 18.5, stock: 7, version: 3 });
      expect(response.headers()['etag']).toBe('"3"');
      expect(await rowOf(db, product), 'the reservation is kept').toMatchObject({ price: 18.5, stock: 7, version: 3, editedVersion: 3 });
    });

    await test.step('read again, the stock count applies', async () => {
      const fresh = await read(adminApi, product);
      const response = await adminApi.updateProduct(product.id, { stock: 12 }, { ifMatch: fresh.etag });
      expect(await expectJson(response)).toMatchObject({ price: 18.5, stock: 12, version: 4 });
    });
  });
});
