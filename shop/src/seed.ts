import { randomUUID } from 'node:crypto';
import type { Faker } from '@faker-js/faker';
import type { Pool, PoolClient } from 'pg';
import { withTransaction } from './db';
import { slugify } from './services/categories';
import { upsertAdmin } from './services/users';

const CATEGORY_COUNT = 5;
/** Serialises seeding when shops start on one database at once, so the catalog is seeded once. */
const SEED_LOCK_KEY = 7_240_003;

/** The admin as configured; a change it makes is audited under a correlation id of this start's own. */
export async function seedAdmin(pool: Pool, admin: { email: string; password: string }): Promise<void> {
  await withTransaction(pool, (client) => upsertAdmin(client, admin.email, admin.password, randomUUID()));
}

/**
 * On an empty catalog, adds `size` faker-made products spread over about five categories.
 * The same seed gives the same catalog, so a failure seen in one run can be reproduced in the next.
 */
export async function seedCatalog(pool: Pool, options: { seed: number; size: number }): Promise<number> {
  return withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK_KEY]);
    const { rows } = await client.query<{ empty: boolean }>('SELECT NOT EXISTS (SELECT 1 FROM products) AS empty');
    if (!rows[0].empty || options.size === 0) return 0;

    // Loaded only when a catalog is seeded, and the English locale alone: faker's index loads all seventy locales
    // (170 ms of a shop's start here, the English entry 70 ms); seeded alike, both give the same catalog.
    const { faker } = await import('@faker-js/faker/locale/en');
    faker.seed(options.seed);
    const categoryIds = await insertCategories(client, uniqueDepartments(faker));
    for (let index = 0; index < options.size; index += 1) {
      await client.query(
        `INSERT INTO products (sku, name, description, price, stock, category_id, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, now() - make_interval(secs => $7), now() - make_interval(secs => $7))`,
        [
          `SEED-${String(index + 1).padStart(4, '0')}`,
          faker.commerce.productName(),
          faker.commerce.productDescription(),
          faker.commerce.price({ min: 1, max: 500, dec: 2 }),
          // Some products sold out, so the catalog shows both "In stock" and "Out of stock".
          faker.datatype.boolean(0.1) ? 0 : faker.number.int({ min: 1, max: 100 }),
          categoryIds[index % categoryIds.length],
          // Distinct creation times, one second apart, give "newest" a stable order.
          options.size - index,
        ],
      );
    }
    return options.size;
  });
}

function uniqueDepartments(faker: Faker): string[] {
  const names = new Set<string>();
  for (let attempt = 0; names.size < CATEGORY_COUNT && attempt < 100; attempt += 1) {
    names.add(faker.commerce.department());
  }
  return [...names];
}

async function insertCategories(client: PoolClient, names: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const name of names) {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO categories (slug, name) VALUES ($1, $2)
       ON CONFLICT (slug) DO UPDATE SET name = categories.name RETURNING id`,
      [slugify(name), name],
    );
    ids.push(rows[0].id);
  }
  return ids;
}
