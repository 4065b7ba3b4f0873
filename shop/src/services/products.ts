import { randomBytes } from 'node:crypto';
import { isUniqueViolation, type Db } from '../db';
import type * as Http from '../../../contracts/http';
import { preconditionFailed, preconditionRequired, productNotFound, skuExists, validationError } from '../errors';
import type { Precondition } from '../preconditions';
import { isUuid, textProblem, type InputCheck } from '../validation';
import { findCategoryIdBySlug } from './categories';

/** A Product as the API shows it: the contract's type (contracts/http). */
export type Product = Http.Product;

export interface ProductRow {
  id: string;
  sku: string;
  name: string;
  description: string;
  price: string;
  stock: number;
  category_slug: string;
  category_name: string;
  created_at: Date;
  updated_at: Date;
  version: number;
}

/** Validated product fields, with the category slug already resolved to its id. */
export interface ProductFields {
  name: string;
  description: string;
  price: number;
  stock: number;
  categoryId: string;
  sku: string;
}

/** Selects products joined with their category, from `source` (the table, or a CTE of changed rows). */
export const selectFrom = (source: string) => `
  SELECT p.id, p.sku, p.name, p.description, p.price, p.stock, p.created_at, p.updated_at, p.version,
         c.slug AS category_slug, c.name AS category_name
    FROM ${source} p JOIN categories c ON c.id = p.category_id`;

export function toProduct(row: ProductRow): Product {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    description: row.description,
    price: Number(row.price),
    currency: 'USD',
    stock: row.stock,
    category: { slug: row.category_slug, name: row.category_name },
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    version: row.version,
  };
}

const generateSku = (): string => `SKU-${randomBytes(5).toString('hex').toUpperCase()}`;

/** What the product schemas cannot say: the name's and the description's lengths once trimmed, on one line or not. */
export const checkProductFields: InputCheck<Http.ProductChanges> = (product, issues) => {
  issues.check(product, 'name', textProblem(1, 200));
  issues.check(product, 'description', textProblem(0, 5000, { multiline: true }));
};

const PRODUCT_FIELDS = ['name', 'description', 'price', 'stock', 'categorySlug', 'sku'] as const;

/** A PATCH must change something (fields the API does not know do not count). */
export const checkProductChanges: InputCheck<Http.ProductChanges> = (changes, issues) => {
  checkProductFields(changes, issues);
  if (PRODUCT_FIELDS.every((field) => changes[field] === undefined)) {
    issues.add('body', `must contain at least one of ${PRODUCT_FIELDS.join(', ')}`);
  }
};

/** The category's id; a slug no category has is a VALIDATION_ERROR on categorySlug (once the body is well-formed). */
async function categoryIdOf(db: Db, slug: string): Promise<string> {
  const id = await findCategoryIdBySlug(db, slug);
  if (id === undefined) throw validationError([{ field: 'categorySlug', message: 'must be an existing category' }]);
  return id;
}

/** A valid new product as it is stored: text trimmed, the category resolved, a SKU generated when none is given. */
export async function newProductOf(db: Db, product: Http.NewProduct): Promise<ProductFields> {
  return {
    name: product.name.trim(),
    description: product.description?.trim() ?? '',
    price: product.price,
    stock: product.stock,
    categoryId: await categoryIdOf(db, product.categorySlug),
    sku: product.sku ?? generateSku(),
  };
}

export async function productChangesOf(db: Db, changes: Http.ProductChanges): Promise<Partial<ProductFields>> {
  return {
    ...(changes.name !== undefined && { name: changes.name.trim() }),
    ...(changes.description !== undefined && { description: changes.description?.trim() ?? '' }),
    ...(changes.price !== undefined && { price: changes.price }),
    ...(changes.stock !== undefined && { stock: changes.stock }),
    ...(changes.categorySlug !== undefined && { categoryId: await categoryIdOf(db, changes.categorySlug) }),
    ...(changes.sku !== undefined && { sku: changes.sku }),
  };
}

function rethrowSkuConflict(error: unknown): never {
  throw isUniqueViolation(error, 'products_sku_key') ? skuExists() : error;
}

export async function createProduct(db: Db, fields: ProductFields): Promise<Product> {
  const { rows } = await db
    .query<ProductRow>(
      `WITH p AS (
         INSERT INTO products (sku, name, description, price, stock, category_id)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING *
       ) ${selectFrom('p')}`,
      [fields.sku, fields.name, fields.description, fields.price.toFixed(2), fields.stock, fields.categoryId],
    )
    .catch(rethrowSkuConflict);
  return toProduct(rows[0]);
}

export async function getProduct(db: Db, id: string): Promise<Product> {
  if (!isUuid(id)) throw productNotFound();
  const { rows } = await db.query<ProductRow>(`${selectFrom('products')} WHERE p.id = $1 AND p.deleted_at IS NULL`, [
    id,
  ]);
  if (!rows[0]) throw productNotFound();
  return toProduct(rows[0]);
}

/**
 * Which rows an admin's change may apply to, given the versions its If-Match names ($1 of the fragment's numbering
 * is the array): a stock it sets replaces what orders reserved and released, so it needs the very version read; any
 * other change only needs that no admin changed the product since (orders moving the stock since do not matter).
 * In the UPDATE's own WHERE, so two changes made against the same version cannot both apply.
 */
function versionCondition(precondition: Precondition, setsStock: boolean, param: number): { sql: string; values: unknown[] } {
  if (precondition.kind === 'any') return { sql: 'TRUE', values: [] };
  const sql = setsStock
    ? `version = ANY($${param}::int[])`
    : `EXISTS (SELECT 1 FROM unnest($${param}::int[]) AS seen(v) WHERE seen.v BETWEEN edited_version AND version)`;
  return { sql, values: [precondition.versions] };
}

/** Why a change did not apply: the product is gone (404), or its If-Match no longer holds (412, with the version). */
async function refusalOf(db: Db, id: string, precondition: Precondition | undefined, setsStock: boolean): Promise<Error> {
  const { rows } = await db.query<{ version: number; edited_version: number }>(
    'SELECT version, edited_version FROM products WHERE id = $1 AND deleted_at IS NULL',
    [id],
  );
  const current = rows[0];
  if (!current) return productNotFound();
  if (!precondition) return preconditionRequired();
  const seen = precondition.kind === 'versions' ? precondition.versions : [];
  const onlyStockMoved = setsStock && seen.some((v) => v >= current.edited_version && v <= current.version);
  return preconditionFailed(
    onlyStockMoved
      ? 'Orders changed the stock of the product since that version, and a stock set now would undo them'
      : 'The product was changed since that version',
    current.version,
  );
}

/** docs/API.md, "Product versions": the change applies only if the If-Match holds, checked in the same statement. */
export async function updateProduct(
  db: Db,
  id: string,
  changes: Partial<ProductFields>,
  precondition: Precondition | undefined,
): Promise<Product> {
  if (!isUuid(id)) throw productNotFound();
  const setsStock = changes.stock !== undefined;
  if (!precondition) throw await refusalOf(db, id, precondition, setsStock);
  const condition = versionCondition(precondition, setsStock, 8);
  const { rows } = await db
    .query<ProductRow>(
      `WITH p AS (
         UPDATE products SET
           sku = COALESCE($2, sku), name = COALESCE($3, name), description = COALESCE($4, description),
           price = COALESCE($5, price), stock = COALESCE($6, stock), category_id = COALESCE($7, category_id),
           updated_at = now(), edited_version = version + 1
         WHERE id = $1 AND deleted_at IS NULL AND ${condition.sql} RETURNING *
       ) ${selectFrom('p')}`,
      [
        id,
        changes.sku ?? null,
        changes.name ?? null,
        changes.description ?? null,
        changes.price?.toFixed(2) ?? null,
        changes.stock ?? null,
        changes.categoryId ?? null,
        ...condition.values,
      ],
    )
    .catch(rethrowSkuConflict);
  if (!rows[0]) throw await refusalOf(db, id, precondition, setsStock);
  return toProduct(rows[0]);
}

/** Soft delete: the row stays for the record, but the API and pages no longer show it. Conditional as a PATCH is. */
export async function deleteProduct(db: Db, id: string, precondition: Precondition | undefined): Promise<void> {
  if (!isUuid(id)) throw productNotFound();
  if (!precondition) throw await refusalOf(db, id, precondition, false);
  const condition = versionCondition(precondition, false, 2);
  const { rowCount } = await db.query(
    `UPDATE products SET deleted_at = now(), updated_at = now(), edited_version = version + 1
      WHERE id = $1 AND deleted_at IS NULL AND ${condition.sql}`,
    [id, ...condition.values],
  );
  if (rowCount === 0) throw await refusalOf(db, id, precondition, false);
}
