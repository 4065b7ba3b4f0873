import type { Pool } from 'pg';
import type { Authenticator } from './auth';
import type { Config } from './config';
import type { DependencyHealth } from './health';
import type { Carts } from './services/cart';
import type { Catalog } from './services/catalog';
import type { Checkout } from './services/checkout';
import type { OrderActions } from './services/orders';
import type { Payments } from './services/payments';
import type { Sessions } from './services/sessions';

/** What the HTTP routes need, built once in main. */
export interface ShopContext {
  config: Config;
  pool: Pool;
  /** What GET /health reports. */
  health: DependencyHealth;
  auth: Authenticator;
  sessions: Sessions;
  payments: Payments;
  /** Products and listings, through the catalog cache. */
  catalog: Catalog;
  carts: Carts;
  checkout: Checkout;
  orders: OrderActions;
}
