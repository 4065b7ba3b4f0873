import { test, expect, expectError, expectJson, creationConsumed, productEtag, type Product, type ShopClient } from '../../fixtures';

// docs/API.md, "Caching": product reads and catalog listings go through Redis; every product or stock change drops
// the product's entry and its categories' listings, in the shop that made it and, through products.changed, in every
// shop. Each test reads its own products in its own category, so the keys it checks are its own.

interface ProductChanged {
  productId: string;
  change: 'created' | 'updated' | 'deleted' | 'stock';
  categories: string[];
  version: number;
  stock: number;
}

/** A read and where its answer came from (X-Cache). */
async function readProduct(api: ShopClient, id: string): Promise<{ product: Product; source: string | undefined }> {
  const response = await api.getProduct(id);
  return { product: await expectJson(response), source: response.headers()['x-cache'] };
}

async function readListing(api: ShopClient, category: string) {
  const response = await api.listProducts({ category });
  return { page: await expectJson(response), source: response.headers()['x-cache'] };
}

test.describe('the catalog cache: reads fill it', { tag: ['@catalog', '@api'] }, () => {
  test('a product read is a miss that stores exactly the answer; the next read is a hit with the same body', async ({ api, factory, cache, events }) => {
    const category = await factory.category();
    const product = await factory.product(category, { price: 41.5, stock: 7 });
    await creationConsumed(events, product);
    expect(await cache.product(product.id), 'nothing cached before the first read').toBeUndefined();

    const first = await readProduct(api, product.id);
    expect(first.source).toBe('miss');
    const entry = await cache.product(product.id);
    expect(entry?.value, 'the cache holds what the shop answered').toEqual(first.product);
    const ttl = await cache.productTtl(product.id);
    expect(ttl, 'a filled entry expires (CACHE_TTL_SECONDS, 300 by default)').toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(300);

    const second = await readProduct(api, product.id);
    expect(second.source).toBe('hit');
    expect(second.product).toEqual(first.product);
  });

  test('a category listing is a miss that stores the page; the next read of it is a hit', async ({ api, factory, cache, events }) => {
    const { category, products } = await factory.productsInOwnCategory(3);
    await creationConsumed(events, ...products);
    expect(await cache.listings(category.slug)).toEqual([]);

    const first = await readListing(api, category.slug);
    expect(first.source).toBe('miss');
    const listings = await cache.listings(category.slug);
    expect(listings, 'one listing of the category cached').toHaveLength(1);
    expect(listings[0].entry.value).toEqual(first.page);
    expect(first.page.data.map((p) => p.id).sort()).toEqual(products.map((p) => p.id).sort());

    const second = await readListing(api, category.slug);
    expect(second.source).toBe('hit');
    expect(second.page).toEqual(first.page);

    // Keys dropped behind the shop's back (an operator's flush, an eviction) are only a miss: the next read refills them.
    expect(await cache.clear({ categories: [category.slug] }), 'the set, the listing and its stale copy').toBe(3);
    expect(await cache.listings(category.slug)).toEqual([]);
    const third = await readListing(api, category.slug);
    expect(third.source).toBe('miss');
    expect(third.page).toEqual(first.page);
    expect(await cache.listings(category.slug)).toHaveLength(1);
  });

  test('an unknown product is a 404 that is not cached', async ({ api, cache }) => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (let attempt = 0; attempt < 2; attempt++) await expectError(await api.getProduct(unknown), 404, 'PRODUCT_NOT_FOUND');
    expect(await cache.product(unknown)).toBeUndefined();
  });
});

/** An admin's changes, each of which must drop the product's entry and its category's listings. */
const adminChanges = [
  { change: 'a rename', patch: { name: 'Renamed by the cache test' }, expected: (p: Product) => ({ ...p, name: 'Renamed by the cache test' }) },
  { change: 'a price change', patch: { price: 77.25 }, expected: (p: Product) => ({ ...p, price: 77.25 }) },
  { change: 'a stock set', patch: { stock: 3 }, expected: (p: Product) => ({ ...p, stock: 3 }) },
] as const;

test.describe('the catalog cache: every change invalidates it', { tag: ['@catalog', '@api', '@events'] }, () => {
  for (const { change, patch, expected } of adminChanges) {
    test(`${change} by an admin drops the product and its category's listing at once; the next reads are misses that show it`, async ({
      api,
      adminApi,
      factory,
      cache,
      events,
    }) => {
      const category = await factory.category();
      const product = await factory.product(category, { price: 20, stock: 9 });
      await creationConsumed(events, product);
      await readProduct(api, product.id);
      await readListing(api, category.slug);
      expect(await cache.product(product.id)).toBeDefined();
      expect(await cache.listings(category.slug)).toHaveLength(1);

      const response = await adminApi.updateProduct(product.id, patch, { ifMatch: productEtag(product) });
      const updated = await expectJson(response);

      expect(await cache.product(product.id), 'the product entry is gone when the PATCH answers').toBeUndefined();
      expect(await cache.listings(category.slug), "the category's listings are gone too").toEqual([]);
      const next = await readProduct(api, product.id);
      expect(next.source).toBe('miss');
      expect(next.product).toEqual({ ...expected(product), updatedAt: updated.updatedAt, version: 2 });
      const listing = await readListing(api, category.slug);
      expect(listing.source).toBe('miss');
      expect(listing.page.data).toEqual([next.product]);

      const announced = await events.waitFor<ProductChanged>('products.changed', { productId: product.id, change: 'updated' });
      expect(announced.envelope.payload).toEqual({ productId: product.id, change: 'updated', categories: [category.slug], version: 2, stock: next.product.stock });
      expect(announced.envelope.correlationId, "the PATCH's correlation id").toBe(response.headers()['x-correlation-id']);
    });
  }

  test('moving a product to another category drops the listings of both categories', async ({ api, adminApi, factory, cache, events }) => {
    const [from, to] = await Promise.all([factory.category(), factory.category()]);
    const product = await factory.product(from);
    const stays = await factory.product(to);
    await creationConsumed(events, product, stays);
    await readListing(api, from.slug);
    await readListing(api, to.slug);

    await expect(await adminApi.updateProduct(product.id, { categorySlug: to.slug }, { ifMatch: productEtag(product) })).toHaveStatus(200);

    expect(await cache.listings(from.slug)).toEqual([]);
    expect(await cache.listings(to.slug)).toEqual([]);
    expect((await readListing(api, from.slug)).page.data).toEqual([]);
    expect((await readListing(api, to.slug)).page.data.map((p) => p.id).sort()).toEqual([product.id, stays.id].sort());
    const announced = await events.waitFor<ProductChanged>('products.changed', { productId: product.id, change: 'updated' });
    expect(announced.envelope.payload.categories).toEqual([from.slug, to.slug]);
  });

  test('a delete drops the product and its listing: the next read is a 404 and the listing no longer holds it', async ({ api, adminApi, factory, cache, events }) => {
    const { category, products } = await factory.productsInOwnCategory(2);
    const [gone, kept] = products;
    await creationConsumed(events, gone, kept);
    await readProduct(api, gone.id);
    await readListing(api, category.slug);

    await expect(await adminApi.deleteProduct(gone.id, { ifMatch: productEtag(gone) })).toHaveStatus(204);

    expect(await cache.product(gone.id)).toBeUndefined();
    expect(await cache.listings(category.slug)).toEqual([]);
    await expectError(await api.getProduct(gone.id), 404, 'PRODUCT_NOT_FOUND');
    expect((await readListing(api, category.slug)).page.data.map((p) => p.id)).toEqual([kept.id]);
    await events.waitFor<ProductChanged>('products.changed', { productId: gone.id, change: 'deleted', categories: [category.slug] });
  });

  test("a customer's order moves the stock: the cached product and listing are gone when the order answers, and products.changed carries the order's correlation id", async ({
    api,
    factory,
    checkout,
    cache,
    events,
  }) => {
    const category = await factory.category();
    const product = await factory.product(category, { price: 12.5, stock: 10 });
    const customer = await factory.customer();
    await creationConsumed(events, product);
    const cached = await readProduct(api, product.id);
    await readListing(api, category.slug);
    expect(cached.product.stock).toBe(10);
    await checkout.cartReadyToOrder(customer, [{ product, quantity: 3 }]);

    const placed = await checkout.attemptOrder(customer);
    const order = await expectJson(placed, 201);

    // The shop that reserved the stock drops the entries once the reservation commits, before it answers.
    expect(await cache.product(product.id), 'the product entry is gone when the placement answers').toBeUndefined();
    expect(await cache.listings(category.slug)).toEqual([]);
    const next = await readProduct(api, product.id);
    expect(next.source).toBe('miss');
    expect(next.product).toMatchObject({ stock: 7, version: product.version + 1 });
    expect((await readListing(api, category.slug)).page.data[0].stock).toBe(7);
    expect(order.items).toEqual([expect.objectContaining({ productId: product.id, quantity: 3 })]);
    const announced = await events.waitFor<ProductChanged>('products.changed', { productId: product.id, change: 'stock' });
    expect(announced.envelope.payload).toEqual({ productId: product.id, change: 'stock', categories: [category.slug], version: product.version + 1, stock: 7 });
    expect(announced.envelope.correlationId, "the placement's correlation id").toBe(placed.headers()['x-correlation-id']);
  });

  test('products.changed from another shop instance (published by hand here) drops this shop’s entries too', async ({ api, factory, cache, events }) => {
    const category = await factory.category();
    const product = await factory.product(category);
    await creationConsumed(events, product);
    await readProduct(api, product.id);
    await readListing(api, category.slug);
    expect(await cache.product(product.id)).toBeDefined();

    const published = await events.publish(
      'products.changed',
      {
        eventId: crypto.randomUUID(),
        type: 'products.changed',
        occurredAt: new Date().toISOString(),
        correlationId: crypto.randomUUID(),
        version: 1,
        payload: { productId: product.id, change: 'updated', categories: [category.slug], version: product.version + 1, stock: product.stock },
      },
      { key: product.id },
    );
    await events.consumedByShop('products.changed', published);

    expect(await cache.product(product.id)).toBeUndefined();
    expect(await cache.listings(category.slug)).toEqual([]);
    expect((await readProduct(api, product.id)).source).toBe('miss');
  });
});

test.describe('the catalog cache: what it never holds', { tag: ['@cart', '@orders', '@api', '@security'] }, () => {
  test("a customer's cart and orders are never cached: no X-Cache on their answers and no key in Redis naming the customer or the order", async ({
    factory,
    checkout,
    redis,
  }) => {
    const category = await factory.category();
    const product = await factory.product(category);
    const customer = await factory.customer();
    const order = await checkout.buy(customer, [{ product, quantity: 1 }]);

    const answers = await Promise.all([customer.api.getCart(), customer.api.listOrders(), customer.api.getOrder(order.id), customer.api.me()]);
    for (const response of answers) {
      expect(response.status()).toBe(200);
      expect(response.headers()['x-cache'], `${response.url()} says nothing of a cache`).toBeUndefined();
    }
    const keys: string[] = [];
    for (const pattern of [`*${customer.user.id}*`, `*${order.id}*`]) {
      let cursor = '0';
      do {
        const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        keys.push(...found);
        cursor = next;
      } while (cursor !== '0');
    }
    expect(keys).toEqual([]);
  });
});
