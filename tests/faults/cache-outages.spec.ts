import { test, expect, expectError, expectJson, creationConsumed, productEtag, type Product } from '../../fixtures';

// docs/API.md, "Caching": Redis is an optimisation. With Postgres unreachable the catalog is served from the last
// copies the cache kept, marked `X-Cache: stale` with their Age, and nothing else is; with Redis down the shop
// answers from Postgres exactly as before. Each test breaks its own stack's services.

test.describe('the catalog cache while Postgres is unreachable', { tag: ['@fault', '@catalog', '@cart'] }, () => {
  test('the catalog answers from its last cached copies, marked stale with their age; a never-cached listing and the cart answer 503; once Postgres is back the fresh catalog returns', async ({
    isolatedEnvironment: stack,
  }) => {
    test.setTimeout(120_000);
    const category = await stack.factory.category();
    const uncached = await stack.factory.category();
    const product = await stack.factory.product(category, { name: 'Before the outage', price: 19.5, stock: 6 });
    const customer = await stack.customer();
    await creationConsumed(stack.events, product);

    const before = await test.step('the catalog is read once (cached), then an admin renames the product (its fresh entries dropped)', async () => {
      const listing = await stack.api.listProducts({ category: category.slug });
      expect(listing.headers()['x-cache']).toBe('miss');
      const read = await stack.api.getProduct(product.id);
      expect(read.headers()['x-cache']).toBe('miss');
      await expect(await stack.adminApi.updateProduct(product.id, { name: 'After the outage' }, { ifMatch: productEtag(product) })).toHaveStatus(200);
      expect(await stack.cache.product(product.id), 'the fresh entry is gone').toBeUndefined();
      expect((await stack.cache.staleProduct(product.id))?.value, 'the last copy is kept').toEqual(await expectJson(read));
      return { listing: await expectJson(listing), product: await expectJson(read) };
    });

    await test.step('Postgres stops', async () => {
      await stack.postgres.stop();
      expect(stack.postgres.running).toBe(false);
    });

    await test.step('the product and its listing answer 200 from the last copies: X-Cache stale, an Age, the bodies as cached', async () => {
      const listing = await stack.api.listProducts({ category: category.slug });
      expect(listing.status()).toBe(200);
      expect(listing.headers()['x-cache']).toBe('stale');
      expect(Number(listing.headers()['age'])).toBeGreaterThanOrEqual(0);
      expect(await listing.json()).toEqual(before.listing);
      const read = await stack.api.getProduct(product.id);
      expect(read.status()).toBe(200);
      expect(read.headers()['x-cache']).toBe('stale');
      expect(await read.json(), 'the name from before the rename: stale, and said so').toEqual(before.product);
    });

    await test.step("what the cache never held answers 503: a listing never read, the customer's cart", async () => {
      for (const response of [await stack.api.listProducts({ category: uncached.slug }), await customer.api.getCart()]) {
        await expectError(response, 503, 'SERVICE_UNAVAILABLE');
        expect(response.headers()['x-cache']).not.toBe('stale');
      }
    });

    await test.step('Postgres starts again: the next reads come from it, with the rename', async () => {
      await stack.postgres.start();
      await expect
        .poll(async () => (await stack.api.getProduct(product.id)).headers()['x-cache'], { intervals: [100], timeout: 15_000 })
        .toMatch(/^(miss|hit)$/);
      const fresh: Product = await expectJson(await stack.api.getProduct(product.id));
      expect(fresh.name).toBe('After the outage');
      const listing = await expectJson(await stack.api.listProducts({ category: category.slug }));
      expect(listing.data.map((p) => p.name)).toEqual(['After the outage']);
    });
  });
});

test.describe('the catalog cache while Redis is down', { tag: ['@fault', '@catalog', '@orders'] }, () => {
  test('customers see exactly what they saw with it: the same catalog (X-Cache bypass), changes at once, orders placed; Redis back, the cache fills again and holds no outdated copy', async ({
    isolatedEnvironment: stack,
  }) => {
    test.setTimeout(120_000);
    const category = await stack.factory.category();
    const product = await stack.factory.product(category, { price: 31, stock: 8 });
    const customer = await stack.customer();
    await creationConsumed(stack.events, product);

    const cached = await test.step('with Redis: the product and its listing are read twice (a miss, then a hit)', async () => {
      await stack.api.getProduct(product.id);
      const read = await stack.api.getProduct(product.id);
      expect(read.headers()['x-cache']).toBe('hit');
      await stack.api.listProducts({ category: category.slug });
      return { product: await expectJson(read), listing: await expectJson(await stack.api.listProducts({ category: category.slug })) };
    });

    await test.step('Redis stops', async () => {
      await stack.redis.stop();
      expect(stack.redis.running).toBe(false);
    });

    await test.step('/health stays 200 ok and says the cache is down: the cache is not a dependency', async () => {
      const health = await stack.api.health();
      await expect(health).toHaveStatus(200);
      expect(await health.json()).toMatchObject({ status: 'ok', cache: { state: 'down' } });
    });

    await test.step('the same answers, from Postgres: X-Cache bypass, identical bodies', async () => {
      const read = await stack.api.getProduct(product.id);
      expect(read.status()).toBe(200);
      expect(read.headers()['x-cache']).toBe('bypass');
      expect(await read.json()).toEqual(cached.product);
      const listing = await stack.api.listProducts({ category: category.slug });
      expect(listing.headers()['x-cache']).toBe('bypass');
      expect(await listing.json()).toEqual(cached.listing);
    });

    const renamed = await test.step('an admin renames the product and a customer orders it: both succeed and show at once', async () => {
      const updated = await expectJson(await stack.adminApi.updateProduct(product.id, { name: 'Renamed while Redis was down' }, { ifMatch: productEtag(product) }));
      const order = await stack.checkout.buy(customer, [{ product, quantity: 2 }]);
      expect(order.status).toBe('paid');
      const read: Product = await expectJson(await stack.api.getProduct(product.id));
      expect(read).toMatchObject({ name: 'Renamed while Redis was down', stock: 6 });
      expect(read.version).toBeGreaterThan(updated.version);
      return read;
    });

    await test.step('Redis starts again (empty): the next read fills it, the one after is a hit with the current product', async () => {
      await stack.redis.start();
      // The invalidations the catalog-cache consumer retried while Redis was down land first; a fill after them is
      // then the last word (a late one dropped the refilled entry between the hit and the read of the key).
      await stack.events.consumedByShop('products.changed', undefined, { timeout: 15_000 });
      await expect.poll(async () => (await stack.api.getProduct(product.id)).headers()['x-cache'], { intervals: [100], timeout: 15_000 }).toBe('hit');
      expect(await (await stack.api.health()).json()).toMatchObject({ status: 'ok', cache: { state: 'up' } });
      expect((await stack.cache.product(product.id))?.value).toEqual(renamed);
      expect(await expectJson(await stack.api.getProduct(product.id))).toEqual(renamed);
    });
  });
});
