import { paged } from './paging';
import type * as Http from '../../../contracts/http';
import type { Db } from '../db';
import type { InputCheck } from '../validation';
import { selectFrom, toProduct, type ProductRow } from './products';

type Sort = (typeof Http.SORTS)[number];

/** A listing request; optional fields are the ones the caller gave, so links repeat exactly those. */
export interface ProductQuery {
  page: number;
  pageSize?: number;
  category?: string;
  q?: string;
  minPrice?: number;
  maxPrice?: number;
  sort?: Sort;
}

/** A ProductPage as the API shows it: the contract's type (contracts/http). */
export type ProductPage = Http.ProductPage;

const ORDER_BY: Record<Sort, string> = {
  newest: 'p.created_at DESC, p.id DESC',
  price_asc: 'p.price ASC, p.created_at DESC, p.id DESC',
  price_desc: 'p.price DESC, p.created_at DESC, p.id DESC',
};

/** What the query's schema cannot say: a price range is not upside down. */
export const checkProductQuery: InputCheck<Http.ProductQuery> = (query, issues) => {
  if (issues.accepted(query, 'minPrice', 'maxPrice') && query.minPrice! > query.maxPrice!) {
    issues.add('maxPrice', 'must be greater than or equal to minPrice');
  }
};

/** The listing a valid query asks for: exactly the filters it gave, and page 1 unless it gave one. */
export function productQueryOf(query: Http.ProductQuery): ProductQuery {
  const { page = 1, pageSize, category, q, minPrice, maxPrice, sort } = query;
  return { page, pageSize, category, q, minPrice, maxPrice, sort };
}

function whereClause(query: ProductQuery): { sql: string; params: unknown[] } {
  const conditions = ['p.deleted_at IS NULL'];
  const params: unknown[] = [];
  const bind = (value: unknown) => `$${params.push(value)}`;
  if (query.category !== undefined) conditions.push(`c.slug = ${bind(query.category)}`);
  if (query.minPrice !== undefined) conditions.push(`p.price >= ${bind(query.minPrice)}`);
  if (query.maxPrice !== undefined) conditions.push(`p.price <= ${bind(query.maxPrice)}`);
  if (query.q !== undefined) {
    const pattern = bind(`%${query.q.replace(/[\\%_]/g, '\\$&')}%`);
    conditions.push(`(p.name ILIKE ${pattern} OR p.description ILIKE ${pattern})`);
  }
  return { sql: conditions.join(' AND '), params };
}

export async function listProducts(
  db: Db,
  query: ProductQuery,
  options: { basePath: string; defaultPageSize: number },
): Promise<ProductPage> {
  const pageSize = query.pageSize ?? options.defaultPageSize;
  const where = whereClause(query);
  const count = await db.query<{ total: number }>(
    `SELECT count(*)::int AS total FROM products p JOIN categories c ON c.id = p.category_id WHERE ${where.sql}`,
    where.params,
  );
  const { rows } = await db.query<ProductRow>(
    `${selectFrom('products')} WHERE ${where.sql}
      ORDER BY ${ORDER_BY[query.sort ?? 'newest']}
      LIMIT ${pageSize} OFFSET ${(query.page - 1) * pageSize}`,
    where.params,
  );

  const filters = ['category', 'q', 'minPrice', 'maxPrice', 'sort', 'pageSize'] as const;
  return paged(rows.map(toProduct), count.rows[0].total, query, pageSize, { basePath: options.basePath, filters });
}
