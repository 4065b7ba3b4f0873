import type { Pool } from 'pg';
import type { Authenticator } from './auth';
import type { Config } from './config';
import type { Sessions } from './services/sessions';

/** What the HTTP routes need, built once in main. */
export interface ShopContext {
  config: Config;
  pool: Pool;
  auth: Authenticator;
  sessions: Sessions;
}
