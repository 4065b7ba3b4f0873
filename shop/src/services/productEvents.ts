import type { CatalogChange } from '../cache';
import type { Db } from '../db';
import type { ProductChangedPayload } from '../events';
import { enqueueEvent } from '../outbox';

/**
 * products.changed, one per product, in the transaction of the change (contracts/events/products.changed.schema.json):
 * what every shop's cache consumer drops (consumers/catalogCache.ts). Returns the same changes, for the shop that made
 * them to drop its cache entries as soon as the transaction commits.
 */
export async function enqueueProductChanges(
  db: Db,
  productIds: readonly string[],
  change: ProductChangedPayload['change'],
  correlationId: string,
  /** The category slug each product was in before the change, when the change may have moved it. */
  categoriesBefore: ReadonlyMap<string, string> = new Map(),
): Promise<CatalogChange[]> {
  if (productIds.length === 0) return [];
  const { rows } = await db.query<{ id: string; version: number; stock: number; slug: string }>(
    `SELECT p.id, p.version, p.stock, c.slug FROM products p JOIN categories c ON c.id = p.category_id
      WHERE p.id = ANY($1::uuid[]) ORDER BY p.id`,
    [[...new Set(productIds)]],
  );
  const changes: CatalogChange[] = [];
  for (const row of rows) {
    const categories = [...new Set([categoriesBefore.get(row.id), row.slug].filter((slug): slug is string => slug !== undefined))];
    await enqueueEvent<ProductChangedPayload>(db, {
      type: 'products.changed',
      key: row.id,
      correlationId,
      payload: { productId: row.id, change, categories, version: row.version, stock: row.stock },
    });
    changes.push({ productId: row.id, categories });
  }
  return changes;
}

/** The products an order holds: those whose stock its reservation or release moves. */
export async function productsOfOrder(db: Db, orderId: string): Promise<string[]> {
  const { rows } = await db.query<{ product_id: string }>('SELECT DISTINCT product_id FROM order_items WHERE order_id = $1', [orderId]);
  return rows.map((row) => row.product_id);
}
