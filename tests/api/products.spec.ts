import { test, expect, expectJson, expectError, detailsByField } from '../../fixtures';

const PRODUCT_FIELDS = ['category', 'createdAt', 'currency', 'description', 'id', 'name', 'price', 'sku', 'stock', 'updatedAt', 'version'];
const SKU_PATTERN = /^[A-Z0-9-]{3,64}$/;

test.describe('product administration', { tag: ['@catalog', '@api'] }, () => {
  test('an admin creates a product: 201, Location and the full representation', async ({ adminApi, factory }) => {
    const category = await factory.category();
    const data = factory.productData(category, { sku: `SKU-${factory.uniqueWord().toUpperCase()}`.slice(0, 64), price: 19.9 });

    const response = await adminApi.createProduct(data);

    await expect(response).toHaveStatus(201);
    const product = await expectJson(response, 201);
    expect(Object.keys(product).sort()).toEqual(PRODUCT_FIELDS);
    expect(product).toMatchObject({
      sku: data.sku,
      name: data.name,
      description: data.description,
      price: 19.9,
      currency: 'USD',
      stock: data.stock,
      category: { slug: category.slug, name: category.name },
    });
    expect(typeof product.price, 'price is a JSON number').toBe('number');
    expect(response.headers()['location']).toMatch(new RegExp(`(^|[^/])/api/products/${product.id}$`));
  });

  test('a product without a SKU gets a generated one', async ({ adminApi, factory }) => {
    const category = await factory.category();
    const { sku: _none, ...data } = factory.productData(category);

    const response = await adminApi.createProduct(data);

    await expect(response).toHaveStatus(201);
    expect((await expectJson(response, 201)).sku).toMatch(SKU_PATTERN);
  });

  test('anyone reads a product by id', async ({ api, factory }) => {
    const product = await factory.product(await factory.category());

    const response = await api.getProduct(product.id);

    await expect(response).toHaveStatus(200);
    expect(await response.json()).toEqual(product);
  });

  test('the boundaries of price, stock and name are accepted', async ({ adminApi, factory }) => {
    const category = await factory.category();
    const cases = [
      { price: 0.01, stock: 0, name: 'x' },
      { price: 1_000_000, stock: 1, name: factory.faker.string.alpha({ length: 200 }) },
    ];
    for (const overrides of cases) {
      await test.step(`price ${overrides.price}, stock ${overrides.stock}, name of ${overrides.name.length}`, async () => {
        const response = await adminApi.createProduct(factory.productData(category, overrides));
        await expect(response).toHaveStatus(201);
        expect(await response.json()).toMatchObject(overrides);
      });
    }
  });

  test('PATCH changes only the fields it is given', async ({ adminApi, factory }) => {
    const product = await factory.product(await factory.category());
    const patch = { price: 42.5, stock: 7 };

    const response = await adminApi.updateProduct(product.id, patch, { ifMatch: product });

    await expect(response).toHaveStatus(200);
    const updated = await expectJson(response);
    expect(updated).toEqual({ ...product, ...patch, updatedAt: expect.any(String), version: product.version + 1 });
    expect(Date.parse(updated.updatedAt)).toBeGreaterThanOrEqual(Date.parse(product.updatedAt));
  });

  test('PATCH moves a product to another category', async ({ api, adminApi, factory }) => {
    const from = await factory.category();
    const to = await factory.category();
    const product = await factory.product(from);

    const response = await adminApi.updateProduct(product.id, { categorySlug: to.slug }, { ifMatch: product });

    await expect(response).toHaveStatus(200);
    expect((await expectJson(response)).category).toEqual({ slug: to.slug, name: to.name });
    const inTarget = await expectJson(await api.listProducts({ category: to.slug }));
    const inSource = await expectJson(await api.listProducts({ category: from.slug }));
    expect(inTarget.data.map((item) => item.id)).toEqual([product.id]);
    expect(inSource.data).toEqual([]);
  });

  test('a deleted product answers 404 PRODUCT_NOT_FOUND and leaves the listing', async ({ api, adminApi, factory }) => {
    const category = await factory.category();
    const [kept, removed] = await factory.products(category, 2);

    const response = await adminApi.deleteProduct(removed.id, { ifMatch: removed });

    await expect(response).toHaveStatus(204);
    await expectError(await api.getProduct(removed.id), 404, 'PRODUCT_NOT_FOUND');
    const listing = await expectJson(await api.listProducts({ category: category.slug }));
    expect(listing.data.map((item) => item.id)).toEqual([kept.id]);
  });

  test('an unknown or non-UUID product id answers 404 PRODUCT_NOT_FOUND', async ({ api, adminApi }) => {
    const unknown = '00000000-0000-4000-8000-000000000000';

    await expectError(await api.getProduct(unknown), 404, 'PRODUCT_NOT_FOUND');
    await expectError(await api.getProduct('not-a-uuid'), 404, 'PRODUCT_NOT_FOUND');
    // 404 comes before any If-Match check: with one or without.
    await expectError(await adminApi.updateProduct(unknown, { stock: 1 }), 404, 'PRODUCT_NOT_FOUND');
    await expectError(await adminApi.deleteProduct(unknown, { ifMatch: '*' }), 404, 'PRODUCT_NOT_FOUND');
  });

  test('a SKU already used is refused with 409 SKU_EXISTS', async ({ adminApi, factory }) => {
    const category = await factory.category();
    const existing = await factory.product(category);

    await expectError(await adminApi.createProduct(factory.productData(category, { sku: existing.sku })), 409, 'SKU_EXISTS');
  });
});

test.describe('product validation', { tag: ['@catalog', '@api', '@validation'] }, () => {
  const rules: Array<{ field: string; rule: string; invalid: unknown[] }> = [
    { field: 'name', rule: 'must have 1 to 200 characters', invalid: ['', 'n'.repeat(201)] },
    { field: 'price', rule: 'must be a number > 0 and ≤ 1,000,000 with at most two decimals', invalid: [0, -5, 1_000_000.01, 12.345, '12.00'] },
    { field: 'stock', rule: 'must be an integer ≥ 0', invalid: [-1, 1.5, '3'] },
    { field: 'categorySlug', rule: 'must name an existing category', invalid: ['no-such-category-e2e'] },
    { field: 'sku', rule: 'must be 3 to 64 of A-Z, 0-9 and -', invalid: ['AB', 'lower-case', 'S'.repeat(65), 'WITH SPACE'] },
  ];

  for (const { field, rule, invalid } of rules) {
    test(`${field} ${rule}: otherwise 400 VALIDATION_ERROR on ${field}`, async ({ adminApi, factory }) => {
      const category = await factory.category();
      for (const value of invalid) {
        await test.step(`${field} = ${JSON.stringify(value).slice(0, 40)}`, async () => {
          const body = { ...factory.productData(category), [field]: value };
          const error = await expectError(await adminApi.createProduct(body), 400, 'VALIDATION_ERROR');
          expect(Object.keys(detailsByField(error))).toEqual([field]);
        });
      }
    });
  }

  test('a product body with several bad fields gets one details entry per field', async ({ adminApi }) => {
    const error = await expectError(await adminApi.createProduct({ name: '', price: -1, stock: -1 }), 400, 'VALIDATION_ERROR');

    expect(Object.keys(detailsByField(error)).sort()).toEqual(['categorySlug', 'name', 'price', 'stock']);
  });

  test('an invalid PATCH is a VALIDATION_ERROR and leaves the product unchanged', async ({ api, adminApi, factory }) => {
    const product = await factory.product(await factory.category());

    const error = await expectError(await adminApi.updateProduct(product.id, { price: 0 }, { ifMatch: product }), 400, 'VALIDATION_ERROR');

    expect(Object.keys(detailsByField(error))).toEqual(['price']);
    expect(await (await api.getProduct(product.id)).json()).toEqual(product);
  });
});
