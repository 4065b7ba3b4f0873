import { test, expect } from '../../fixtures';

/** SQLSTATE codes Postgres answers when a constraint is broken. */
const CHECK_VIOLATION = '23514';
const NOT_NULL_VIOLATION = '23502';
const UNIQUE_VIOLATION = '23505';

// Each statement targets only a row this test made, inside a transaction that is rolled back.
test.describe('database constraints on products', { tag: ['@catalog', '@data'] }, () => {
  test('a CHECK constraint rejects a price outside (0, 1,000,000]', async ({ db, factory }) => {
    const product = await factory.product(await factory.category());

    for (const price of [0, -1, 1_000_000.01]) {
      await test.step(`price ${price}`, async () => {
        const violation = await db.violationOf('UPDATE products SET price = $1 WHERE id = $2', [price, product.id]);
        expect(violation?.code, `price ${price} is refused by a CHECK constraint`).toBe(CHECK_VIOLATION);
      });
    }
    expect((await db.productById(product.id))?.price, 'nothing was committed').toBe(product.price);
  });

  test('a CHECK constraint rejects a negative stock', async ({ db, factory }) => {
    const product = await factory.product(await factory.category());

    const violation = await db.violationOf('UPDATE products SET stock = -1 WHERE id = $1', [product.id]);

    expect(violation?.code).toBe(CHECK_VIOLATION);
    expect((await db.productById(product.id))?.stock).toBe(product.stock);
  });

  test('a CHECK constraint rejects a SKU outside A-Z, 0-9 and -', async ({ db, factory }) => {
    const product = await factory.product(await factory.category());

    const violation = await db.violationOf('UPDATE products SET sku = $1 WHERE id = $2', ['lower-case', product.id]);

    expect(violation?.code).toBe(CHECK_VIOLATION);
  });

  test('a product name cannot be NULL', async ({ db, factory }) => {
    const product = await factory.product(await factory.category());

    const violation = await db.violationOf('UPDATE products SET name = NULL WHERE id = $1', [product.id]);

    expect(violation).toMatchObject({ code: NOT_NULL_VIOLATION, column: 'name' });
  });

  test('two products cannot share a SKU', async ({ db, factory }) => {
    const category = await factory.category();
    const [first, second] = await factory.products(category, 2);

    const violation = await db.violationOf('UPDATE products SET sku = $1 WHERE id = $2', [first.sku, second.id]);

    expect(violation?.code).toBe(UNIQUE_VIOLATION);
  });
});

test.describe('database constraints on users', { tag: ['@users', '@data'] }, () => {
  test('a CHECK constraint keeps emails lower-cased', async ({ db, factory }) => {
    const { user } = await factory.registeredUser();

    const violation = await db.violationOf('UPDATE users SET email = upper(email) WHERE id = $1', [user.id]);

    expect(violation?.code).toBe(CHECK_VIOLATION);
  });

  test('two active users cannot share an email', async ({ db, factory }) => {
    const first = await factory.registeredUser();
    const second = await factory.registeredUser();

    const violation = await db.violationOf('UPDATE users SET email = $1 WHERE id = $2', [first.email, second.user.id]);

    expect(violation?.code).toBe(UNIQUE_VIOLATION);
  });
});
