import type { Pool } from 'pg';
import { withTransaction, type Db } from '../db';
import { isUuid } from '../validation';
import { changesBetween, recordAudit, type Attribution } from './auditLog';
import { enqueueProductChanges } from './productEvents';
import { createProduct, deleteProduct, getProduct, updateProduct, type Product, type ProductFields } from './products';

/*
 * An admin's product changes with their audit entries, each in one transaction: products.ts makes the change on the
 * transaction's client, this module reads the product before (locked) and after and records what changed. The stock
 * orders reserve and release is not an admin's change and is not audited.
 */

/** The audited fields, by the API's request names (the category by its slug). */
const FIELDS = ['sku', 'name', 'description', 'price', 'stock', 'categorySlug'] as const;

const auditedOf = (product: Product) => ({ ...product, categorySlug: product.category.slug });

/** The product as it is now, its row locked for the rest of the transaction; PRODUCT_NOT_FOUND as getProduct says. */
async function lockedProduct(db: Db, id: string): Promise<Product> {
  if (isUuid(id)) await db.query('SELECT 1 FROM products WHERE id = $1 FOR UPDATE', [id]);
  return getProduct(db, id);
}

export async function createAuditedProduct(pool: Pool, fields: ProductFields, by: Attribution): Promise<Product> {
  return withTransaction(pool, async (client) => {
    const product = await createProduct(client, fields);
    const changes = changesBetween(null, auditedOf(product), FIELDS);
    await recordAudit(client, by, { action: 'product.created', entityType: 'product', entityId: product.id, changes });
    await enqueueProductChanges(client, [product.id], 'created', by.correlationId);
    return product;
  });
}

export async function updateAuditedProduct(
  pool: Pool,
  id: string,
  changes: Partial<ProductFields>,
  precondition: Parameters<typeof updateProduct>[3],
  by: Attribution,
): Promise<Product> {
  return withTransaction(pool, async (client) => {
    const before = await lockedProduct(client, id);
    const after = await updateProduct(client, id, changes, precondition);
    const changed = changesBetween(auditedOf(before), auditedOf(after), FIELDS);
    // A PATCH that sets every field to its value changes nothing to record.
    if (Object.keys(changed).length > 0) {
      await recordAudit(client, by, { action: 'product.updated', entityType: 'product', entityId: id, changes: changed });
    }
    // Announced even then: the row's version moved, and with it the ETag the cached copy carries.
    await enqueueProductChanges(client, [id], 'updated', by.correlationId, new Map([[id, before.category.slug]]));
    return after;
  });
}

export async function deleteAuditedProduct(
  pool: Pool,
  id: string,
  precondition: Parameters<typeof deleteProduct>[2],
  by: Attribution,
): Promise<void> {
  await withTransaction(pool, async (client) => {
    await lockedProduct(client, id);
    await deleteProduct(client, id, precondition);
    const { rows } = await client.query<{ deleted_at: Date }>('SELECT deleted_at FROM products WHERE id = $1', [id]);
    const changes = { deletedAt: { before: null, after: rows[0].deleted_at.toISOString() } };
    await recordAudit(client, by, { action: 'product.deleted', entityType: 'product', entityId: id, changes });
    await enqueueProductChanges(client, [id], 'deleted', by.correlationId);
  });
}
