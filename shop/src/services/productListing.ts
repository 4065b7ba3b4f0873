import type { Db } from '../db';
import { Issues } from '../validation';
import { selectFrom, toProduct, type Product, type ProductRow } from './products';

const SORTS = ['newest', 'price_asc', 'price_desc'] as const;
type Sort = (typeof SORTS)[number];

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

export interface ProductPage {
  data: Product[];
  meta: { page: number; pageSize: number; totalItems: number; totalPages: number };
  links: { first: string; prev: string | null; next: string | null; last: string };
}

const ORDER_BY: Record<Sort, string> = {
  newest: 'p.created_at DESC, p.id DESC',
  price_asc: 'p.price ASC, p.created_at DESC, p.id DESC',
  price_desc: 'p.price DESC, p.created_at DESC, p.id DESC',
};

/** One query-string value; empty means absent, because a submitted filter form sends its empty fields. */
function single(issues: Issues, query: Record<string, unknown>, field: string): string | undefined {
  const value = query[field];
  if (Array.isArray(value)) return issues.add(field, 'must be given once');
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function pageParam(issues: Issues, raw: string): number | undefined {
  const page = Number(raw);
  return /^\d+$/.test(raw) && page >= 1 && Number.isSafeInteger(page)
    ? page
    : issues.add('page', 'must be an integer greater than or equal to 1');
}

function pageSizeParam(issues: Issues, raw: string): number | undefined {
  const pageSize = Number(raw);
  return /^\d+$/.test(raw) && pageSize >= 1 && pageSize <= 100
    ? pageSize
    : issues.add('pageSize', 'must be an integer from 1 to 100');
}

function priceParam(issues: Issues, field: string, raw: string): number | undefined {
  return /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : issues.add(field, 'must be a number greater than or equal to 0');
}

export function parseProductQuery(query: Record<string, unknown>): ProductQuery {
  const issues = new Issues();
  const read = (field: string) => single(issues, query, field);
  const page = read('page');
  const pageSize = read('pageSize');
  const minPrice = read('minPrice');
  const maxPrice = read('maxPrice');
  const sort = read('sort');
  const q = read('q');
  const parsed: ProductQuery = {
    page: page === undefined ? 1 : (pageParam(issues, page) ?? 1),
    pageSize: pageSize === undefined ? undefined : pageSizeParam(issues, pageSize),
    category: read('category'),
    q: q !== undefined && q.length > 200 ? issues.add('q', 'must be at most 200 characters') : q,
    minPrice: minPrice === undefined ? undefined : priceParam(issues, 'minPrice', minPrice),
    maxPrice: maxPrice === undefined ? undefined : priceParam(issues, 'maxPrice', maxPrice),
    sort:
      sort === undefined || (SORTS as readonly string[]).includes(sort)
        ? (sort as Sort | undefined)
        : issues.add('sort', `must be one of ${SORTS.join(', ')}`),
  };
  if (parsed.minPrice !== undefined && parsed.maxPrice !== undefined && parsed.minPrice > parsed.maxPrice) {
    issues.add('maxPrice', 'must be greater than or equal to minPrice');
  }
  issues.throwIfAny();
  return parsed;
}

/** `basePath?<the caller's filters>&page=N`, so every link keeps the filters of the page it came from. */
function pageLink(basePath: string, query: ProductQuery, page: number): string {
  const params = new URLSearchParams();
  for (const field of ['category', 'q', 'minPrice', 'maxPrice', 'sort', 'pageSize'] as const) {
    const value = query[field];
    if (value !== undefined) params.set(field, String(value));
  }
  params.set('page', String(page));
  return `${basePath}?${params}`;
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

  const totalItems = count.rows[0].total;
  const totalPages = Math.ceil(totalItems / pageSize);
  const lastPage = Math.max(totalPages, 1);
  const link = (page: number) => pageLink(options.basePath, query, page);
  return {
    data: rows.map(toProduct),
    meta: { page: query.page, pageSize, totalItems, totalPages },
    links: {
      first: link(1),
      prev: query.page > 1 ? link(Math.min(query.page - 1, lastPage)) : null,
      next: query.page < totalPages ? link(query.page + 1) : null,
      last: link(lastPage),
    },
  };
}
