import { randomBytes } from 'node:crypto';
import { isUniqueViolation, type Db } from '../db';
import { productNotFound, skuExists } from '../errors';
import { Issues, isUuid, objectBody, textField } from '../validation';
import { findCategoryIdBySlug, isSlug } from './categories';

export interface Product {
  id: string;
  sku: string;
  name: string;
  description: string;
  price: number;
  currency: 'USD';
  stock: number;
  category: { slug: string; name: string };
  createdAt: string;
  updatedAt: string;
}

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

const MAX_PRICE = 1_000_000;
const MAX_STOCK = 2_147_483_647;
const SKU = /^[A-Z0-9-]{3,64}$/;

/** Selects products joined with their category, from `source` (the table, or a CTE of changed rows). */
export const selectFrom = (source: string) => `
  SELECT p.id, p.sku, p.name, p.description, p.price, p.stock, p.created_at, p.updated_at,
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
  };
}

const generateSku = (): string => `SKU-${randomBytes(5).toString('hex').toUpperCase()}`;

function priceField(issues: Issues, value: unknown): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return issues.add('price', 'must be a number');
  if (value <= 0) return issues.add('price', 'must be greater than 0');
  if (value > MAX_PRICE) return issues.add('price', `must be at most ${MAX_PRICE}`);
  // Binary floating point: 19.99 * 100 is 1998.9999999999998, so compare with a tolerance.
  if (Math.abs(value * 100 - Math.round(value * 100)) > 1e-6) return issues.add('price', 'must have at most two decimals');
  return value;
}

function stockField(issues: Issues, value: unknown): number | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value)) return issues.add('stock', 'must be an integer');
  if (value < 0) return issues.add('stock', 'must be greater than or equal to 0');
  if (value > MAX_STOCK) return issues.add('stock', `must be at most ${MAX_STOCK}`);
  return value;
}

function skuField(issues: Issues, value: unknown): string | undefined {
  if (typeof value === 'string' && SKU.test(value)) return value;
  return issues.add('sku', 'must be 3–64 characters of A-Z, 0-9 and -');
}

function descriptionField(issues: Issues, value: unknown): string | undefined {
  if (value === null) return '';
  return textField(issues, 'description', value, 0, 5000, { multiline: true });
}

async function categoryField(db: Db, issues: Issues, value: unknown): Promise<string | undefined> {
  if (typeof value !== 'string' || !isSlug(value)) return issues.add('categorySlug', 'must be a category slug');
  return (await findCategoryIdBySlug(db, value)) ?? issues.add('categorySlug', 'must be an existing category');
}

/**
 * Validates a product body, one issue per bad field. `partial` (PATCH) accepts any non-empty subset;
 * otherwise name, price, stock and categorySlug are required, and a missing sku is generated.
 */
export async function parseProductFields(db: Db, body: unknown, partial: true): Promise<Partial<ProductFields>>;
export async function parseProductFields(db: Db, body: unknown, partial: false): Promise<ProductFields>;
export async function parseProductFields(db: Db, body: unknown, partial: boolean): Promise<Partial<ProductFields>> {
  const input = objectBody(body);
  const issues = new Issues();
  const fields: Partial<ProductFields> = {};
  const given = (field: string) => input[field] !== undefined;
  const required = (field: string) => given(field) || (!partial && issues.add(field, 'is required'));

  if (required('name')) fields.name = textField(issues, 'name', input.name, 1, 200);
  if (given('description')) fields.description = descriptionField(issues, input.description);
  if (required('price')) fields.price = priceField(issues, input.price);
  if (required('stock')) fields.stock = stockField(issues, input.stock);
  if (required('categorySlug')) fields.categoryId = await categoryField(db, issues, input.categorySlug);
  if (given('sku')) fields.sku = skuField(issues, input.sku);
  if (partial && Object.keys(fields).length === 0) {
    issues.add('body', 'must contain at least one of name, description, price, stock, categorySlug, sku');
  }
  issues.throwIfAny();
  return partial ? fields : { description: '', sku: generateSku(), ...fields };
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

export async function updateProduct(db: Db, id: string, changes: Partial<ProductFields>): Promise<Product> {
  if (!isUuid(id)) throw productNotFound();
  const { rows } = await db
    .query<ProductRow>(
      `WITH p AS (
         UPDATE products SET
           sku = COALESCE($2, sku), name = COALESCE($3, name), description = COALESCE($4, description),
           price = COALESCE($5, price), stock = COALESCE($6, stock), category_id = COALESCE($7, category_id),
           updated_at = now()
         WHERE id = $1 AND deleted_at IS NULL RETURNING *
       ) ${selectFrom('p')}`,
      [
        id,
        changes.sku ?? null,
        changes.name ?? null,
        changes.description ?? null,
        changes.price?.toFixed(2) ?? null,
        changes.stock ?? null,
        changes.categoryId ?? null,
      ],
    )
    .catch(rethrowSkuConflict);
  if (!rows[0]) throw productNotFound();
  return toProduct(rows[0]);
}

/** Soft delete: the row stays for the record, but the API and pages no longer show it. */
export async function deleteProduct(db: Db, id: string): Promise<void> {
  if (!isUuid(id)) throw productNotFound();
  const { rowCount } = await db.query(
    'UPDATE products SET deleted_at = now(), updated_at = now() WHERE id = $1 AND deleted_at IS NULL',
    [id],
  );
  if (rowCount === 0) throw productNotFound();
}
