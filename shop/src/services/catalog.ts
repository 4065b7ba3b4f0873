import type { Pool } from 'pg';
import type { CatalogCache, CatalogChange, Cached } from '../cache';
import { productNotFound } from '../errors';
import { isUuid } from '../validation';
import { listProducts, type ProductPage, type ProductQuery } from './productListing';
import { getProduct, type Product } from './products';

/**
 * The catalog as every reader sees it (the API, GraphQL, the catalog page): products and listings through the cache
 * (cache.ts), and the cache told what a change made outdated. A customer's cart, orders and account never pass here.
 */
export class Catalog {
  constructor(
    private readonly pool: Pool,
    private readonly cache: CatalogCache,
  ) {}

  /** A product; an id that is no UUID is a 404 without a look at the cache. */
  product(id: string): Promise<Cached<Product>> {
    if (!isUuid(id)) return Promise.reject(productNotFound());
    return this.cache.product(id, () => getProduct(this.pool, id));
  }

  listing(query: ProductQuery, options: { basePath: string; defaultPageSize: number }): Promise<Cached<ProductPage>> {
    const { category, ...rest } = query;
    return this.cache.listing({ category, rest: { ...rest, ...options } }, () => listProducts(this.pool, query, options));
  }

  /** For GET /health: the cache's state, never a reason for `degraded`. */
  cacheState(): Promise<'up' | 'down' | 'off'> {
    return this.cache.state();
  }

  /** After a change committed: its entries dropped now; products.changed drops them again in every shop. */
  changed(changes: CatalogChange[]): Promise<void> {
    return this.cache.invalidateQuietly(changes);
  }

  /** For products.changed: throws while Redis does not answer, so the event is retried until its entries are gone. */
  async invalidate(change: CatalogChange): Promise<void> {
    await this.cache.invalidate(change);
  }
}
