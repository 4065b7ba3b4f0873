import { DatabaseError, Pool, type PoolClient } from 'pg';
import { describeError, retryUntil } from './startup';

/** Anything that runs a query: the pool, or a client inside a transaction. */
export type Db = Pick<Pool, 'query'> | PoolClient;

/**
 * `poolSize` connections at most; a request that waits `poolWaitMs` for one gets pg-pool's timeout error, which the
 * shop answers 503 SERVICE_UNAVAILABLE with Retry-After (errors.ts), never 500. No connection is held across a call
 * to the payment provider, so the pool only has to cover the database work itself.
 */
export function createPool(databaseUrl: string, settings: { poolSize: number; poolWaitMs: number }): Pool {
  return new Pool({ connectionString: databaseUrl, max: settings.poolSize, connectionTimeoutMillis: settings.poolWaitMs });
}

/** host:port/database of a connection string, without the credentials, for messages. */
function databaseAddress(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    return `${url.host}${url.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}

/** Waits (bounded) for Postgres to accept connections, so start fails with one clear line instead of hanging. */
export async function waitForPostgres(pool: Pool, databaseUrl: string, timeoutMs: number): Promise<void> {
  await retryUntil(() => pool.query('SELECT 1'), {
    timeoutMs,
    describeFailure: (error) => `Postgres is unreachable at ${databaseAddress(databaseUrl)} (${describeError(error)})`,
  });
}

/** Runs `work` in a transaction on a client the caller holds (one that keeps a session lock across several, say). */
export async function inTransaction<T>(client: PoolClient, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

export async function withTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    return await inTransaction(client, () => work(client));
  } finally {
    client.release();
  }
}

/** True when the error is a unique violation of the named constraint or index. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  return error instanceof DatabaseError && error.code === '23505' && error.constraint === constraint;
}
