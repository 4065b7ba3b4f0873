import { test, expect, expectJson, expectError, detailsByField } from '../../fixtures';

test.describe('categories', { tag: ['@catalog', '@api'] }, () => {
  test('an admin creates a category and it is listed', async ({ api, adminApi, factory }) => {
    const data = factory.categoryData();

    const response = await adminApi.createCategory(data);

    await expect(response).toHaveStatus(201);
    const category = await expectJson(response, 201);
    expect(category).toEqual({ id: expect.any(String), slug: data.slug, name: data.name });
    const list = await api.listCategories();
    await expect(list).toHaveStatus(200);
    expect((await expectJson(list)).data).toContainEqual(category);
  });

  test('without a slug, the slug is derived from the name', async ({ adminApi, factory }) => {
    const word = factory.uniqueWord().toLowerCase();
    const name = `Garden Tools ${word}`;

    const response = await adminApi.createCategory({ name });

    await expect(response).toHaveStatus(201);
    expect(await response.json()).toMatchObject({ name, slug: `garden-tools-${word}` });
  });

  test('a slug already used is refused with 409 CATEGORY_EXISTS', async ({ adminApi, factory }) => {
    const existing = await factory.category();

    await expectError(await adminApi.createCategory({ name: factory.faker.commerce.department(), slug: existing.slug }), 409, 'CATEGORY_EXISTS');
  });

  test('a category without a name is a VALIDATION_ERROR on name', async ({ adminApi }) => {
    const error = await expectError(await adminApi.createCategory({}), 400, 'VALIDATION_ERROR');

    expect(detailsByField(error)).toHaveProperty('name');
  });
});
