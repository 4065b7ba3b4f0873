import { test, expect, expectJson, expectError, detailsByField, type Product } from '../../fixtures';

function ids(products: Product[]): string[] {
  return products.map((product) => product.id);
}

/** The query of a pagination link, as a plain object. */
function queryOf(link: string | null): Record<string, string> {
  expect(link, 'a link').not.toBeNull();
  const url = new URL(link as string, 'http://shop.invalid');
  expect(url.pathname).toBe('/api/products');
  return Object.fromEntries(url.searchParams);
}

test.describe('pagination', { tag: ['@catalog', '@api'] }, () => {
  test('the first page has meta, no prev link, and links to the next and last pages', async ({ api, factory }) => {
    const category = await factory.category();
    await factory.products(category, 5);

    const response = await api.listProducts({ category: category.slug, pageSize: 2 });

    await expect(response).toHaveStatus(200);
    const page = await expectJson(response);
    expect(page.meta).toEqual({ page: 1, pageSize: 2, totalItems: 5, totalPages: 3 });
    expect(page.data).toHaveLength(2);
    expect(page.links.prev).toBeNull();
    expect(queryOf(page.links.first)).toMatchObject({ category: category.slug, pageSize: '2', page: '1' });
    expect(queryOf(page.links.next)).toMatchObject({ category: category.slug, pageSize: '2', page: '2' });
    expect(queryOf(page.links.last)).toMatchObject({ category: category.slug, pageSize: '2', page: '3' });
  });

  test('following next through every page yields each product once, and the last page has no next', async ({ api, factory }) => {
    const category = await factory.category();
    const made = await factory.products(category, 5);
    const seen: string[] = [];

    let page = await expectJson(await api.listProducts({ category: category.slug, pageSize: 2 }));
    seen.push(...ids(page.data));
    for (let number = 2; number <= 3; number += 1) {
      await test.step(`page ${number}`, async () => {
        const response = await api.follow(page.links.next as string);
        await expect(response).toHaveStatus(200);
        page = await expectJson(response);
        expect(page.meta.page).toBe(number);
        expect(queryOf(page.links.prev)).toMatchObject({ page: String(number - 1) });
        seen.push(...ids(page.data));
      });
    }

    expect(page.links.next, 'the last page has no next').toBeNull();
    expect(page.data).toHaveLength(1);
    expect(seen.sort()).toEqual(ids(made).sort());
  });

  test('pagination links keep the filters and the sort', async ({ api, factory }) => {
    const category = await factory.category();
    await factory.products(category, 3, (index) => ({ price: 10 + index }));
    const filters = { category: category.slug, minPrice: 10, maxPrice: 20, sort: 'price_asc', pageSize: 1 };

    const page = await expectJson(await api.listProducts(filters));

    const expected = { category: category.slug, minPrice: '10', maxPrice: '20', sort: 'price_asc', pageSize: '1' };
    for (const link of [page.links.first, page.links.next, page.links.last]) expect(queryOf(link)).toMatchObject(expected);
  });

  test('an empty result has totalPages 0 and first and last pointing to page 1', async ({ api, factory }) => {
    const category = await factory.category();

    const response = await api.listProducts({ category: category.slug });

    await expect(response).toHaveStatus(200);
    const page = await expectJson(response);
    expect(page.data).toEqual([]);
    expect(page.meta).toEqual({ page: 1, pageSize: 20, totalItems: 0, totalPages: 0 });
    expect(page.links.prev).toBeNull();
    expect(page.links.next).toBeNull();
    expect(queryOf(page.links.first)).toMatchObject({ page: '1', category: category.slug });
    expect(queryOf(page.links.last)).toMatchObject({ page: '1', category: category.slug });
  });

  test('the listing is publicly cacheable for 30 seconds', async ({ api, factory }) => {
    const category = await factory.category();

    const response = await api.listProducts({ category: category.slug });

    expect(response.headers()['cache-control']).toBe('public, max-age=30');
  });
});

test.describe('filters', { tag: ['@catalog', '@api'] }, () => {
  test('category filters to exactly that category’s products', async ({ api, factory }) => {
    const mine = await factory.category();
    const other = await factory.category();
    const made = await factory.products(mine, 3);
    await factory.product(other);

    const page = await expectJson(await api.listProducts({ category: mine.slug }));

    expect(ids(page.data).sort()).toEqual(ids(made).sort());
    for (const product of page.data) expect(product.category).toEqual({ slug: mine.slug, name: mine.name });
  });

  test('minPrice and maxPrice are inclusive', async ({ api, factory }) => {
    const category = await factory.category();
    const [, atMin, inside, atMax] = await factory.products(category, 5, (index) => ({ price: [9.99, 10, 15.5, 20, 20.01][index] }));

    const page = await expectJson(await api.listProducts({ category: category.slug, minPrice: 10, maxPrice: 20 }));

    expect(ids(page.data).sort()).toEqual(ids([atMin, inside, atMax]).sort());
  });

  test('q matches the name case-insensitively', async ({ api, factory }) => {
    const category = await factory.category();
    const word = factory.uniqueWord();
    const match = await factory.product(category, { name: `Lantern ${word.toLowerCase()}` });
    await factory.product(category);

    const page = await expectJson(await api.listProducts({ category: category.slug, q: word.toUpperCase() }));

    expect(ids(page.data)).toEqual([match.id]);
  });

  test('q matches the description too', async ({ api, factory }) => {
    const word = factory.uniqueWord();
    const category = await factory.category();
    const match = await factory.product(category, { description: `Hand-made from ${word} and oak.` });
    await factory.product(category);

    const page = await expectJson(await api.listProducts({ q: word }));

    expect(ids(page.data)).toEqual([match.id]);
  });
});

test.describe('sorting', { tag: ['@catalog', '@api'] }, () => {
  test('newest first by default, and for sort=newest', async ({ api, factory }) => {
    const category = await factory.category();
    const made = await factory.products(category, 4);
    const newestFirst = ids(made).reverse();

    const byDefault = await expectJson(await api.listProducts({ category: category.slug }));
    const explicit = await expectJson(await api.listProducts({ category: category.slug, sort: 'newest' }));

    expect(ids(byDefault.data)).toEqual(newestFirst);
    expect(ids(explicit.data)).toEqual(newestFirst);
  });

  test('sort=price_asc orders by price, lowest first', async ({ api, factory }) => {
    const category = await factory.category();
    await factory.products(category, 4, (index) => ({ price: [30, 10, 40, 20][index] }));

    const page = await expectJson(await api.listProducts({ category: category.slug, sort: 'price_asc' }));

    expect(page.data.map((product) => product.price)).toEqual([10, 20, 30, 40]);
  });

  test('sort=price_desc orders by price, highest first', async ({ api, factory }) => {
    const category = await factory.category();
    await factory.products(category, 4, (index) => ({ price: [30, 10, 40, 20][index] }));

    const page = await expectJson(await api.listProducts({ category: category.slug, sort: 'price_desc' }));

    expect(page.data.map((product) => product.price)).toEqual([40, 30, 20, 10]);
  });
});

test.describe('query validation', { tag: ['@catalog', '@api', '@validation'] }, () => {
  const invalid: Array<{ field: string; values: string[] }> = [
    { field: 'page', values: ['0', '-1', 'abc', '1.5'] },
    { field: 'pageSize', values: ['0', '101', 'many'] },
    { field: 'sort', values: ['cheapest', 'PRICE_ASC'] },
    { field: 'minPrice', values: ['cheap'] },
  ];

  for (const { field, values } of invalid) {
    test(`an invalid ${field} answers 400 VALIDATION_ERROR on ${field}`, async ({ api }) => {
      for (const value of values) {
        await test.step(`${field}=${value}`, async () => {
          const error = await expectError(await api.listProducts({ [field]: value }), 400, 'VALIDATION_ERROR');
          expect(Object.keys(detailsByField(error))).toEqual([field]);
        });
      }
    });
  }

  test('pageSize 1 and 100 are accepted', async ({ api, factory }) => {
    const category = await factory.category();
    for (const pageSize of [1, 100]) {
      const response = await api.listProducts({ category: category.slug, pageSize });
      await expect(response).toHaveStatus(200);
      expect((await expectJson(response)).meta.pageSize).toBe(pageSize);
    }
  });
});
