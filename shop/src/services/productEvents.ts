import type { CatalogChange } from '../cache';
import { afterCommit, type Db } from '../db';
import type { ProductChangedPayload } from '../events';
import { enqueueEvent } from '../outbox';

/** Who drops the catalog cache's entries of committed changes in this shop (main.ts: the catalog). */
let committedListener: ((changes: CatalogChange[]) => Promise<void>) | undefined;

/** Called with the changes of every transaction that wrote products.changed, once it has committed; must not throw. */
export function onProductChangesCommitted(listener: (changes: CatalogChange[]) => Promise<void>): void {
  committedListener = listener;
}

/**
 * products.changed, one per product, in the transaction of the change (contracts/events/products.changed.schema.json):
 * what every shop's cache consumer drops (consumers/catalogCache.ts). The shop that made the change also drops the
 * entries itself as soon as the transaction commits, before its caller answers: whoever made the change reads it
 * back at once, the admin after a PATCH as the customer after an order.
 */
export async function enqueueProductChanges(
  db: Db,
  productIds: readonly string[],
  change: ProductChangedPayload['change'],
  correlationId: string,
  /** The category slug each product was in before the change, when the change may have moved it. */
  categoriesBefore: ReadonlyMap<string, string> = new Map(),
): Promise<void> {
  if (productIds.length === 0) return;
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
  const listener = committedListener;
  if (listener && changes.length > 0) await afterCommit(db, () => listener(changes));
}

/** The products an order holds: those whose stock its reservation or release moves. */
export async function productsOfOrder(db: Db, orderId: string): Promise<string[]> {
  const { rows } = await db.query<{ product_id: string }>('SELECT DISTINCT product_id FROM order_items WHERE order_id = $1', [orderId]);
  return rows.map((row) => row.product_id);
}
