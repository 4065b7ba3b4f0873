import { Client, DatabaseError, Pool, type ClientConfig, type PoolClient } from 'pg';
import { describeError, retryUntil } from './startup';

/** Anything that runs a query: the pool, or a client inside a transaction. */
export type Db = Pick<Pool, 'query'> | PoolClient;

/**
 * How long opening one connection may take. Short, so a database that does not answer gives a fast 503
 * (isDatabaseUnavailable) rather than a request held for seconds; apart from how long a request waits for a free
 * pooled connection (the pool's own connectionTimeoutMillis).
 */
export const CONNECT_TIMEOUT_MS = 1_000;

/** pg.Client with the short connect timeout; the pool passes its own options to every client it opens. */
export class ShopClient extends Client {
  constructor(config?: string | ClientConfig) {
    const options = typeof config === 'string' ? { connectionString: config } : config;
    super({ ...options, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  }
}

export interface PoolOptions {
  /** Connections at most (DATABASE_POOL_SIZE). No connection is held across a call to the payment provider. */
  max?: number;
  /**
   * How long a request waits for a free connection (DATABASE_POOL_WAIT_MS); then pg-pool's timeout error, which the
   * shop answers 503 SERVICE_UNAVAILABLE with Retry-After (errors.ts), never 500.
   */
  waitMs?: number;
  /** Told about each connection the server or the network broke; the pool has dropped it already. */
  onConnectionError?: (message: string, error: Error) => void;
}

/**
 * A pool that survives its database going away. An idle connection the server terminates (a restart, a failover)
 * makes the pool emit `error`, and a checked-out one makes its client emit `error`: without a listener either ends
 * the process. Both are reported and the broken connection is dropped; the next query opens a new one.
 */
export function createPool(databaseUrl: string, options: PoolOptions = {}): Pool {
  const report = options.onConnectionError ?? (() => undefined);
  const pool = new Pool({
    connectionString: databaseUrl,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.waitMs ?? 2_000,
    // Notices a peer that vanished without closing (a dead host), not only one that said goodbye.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    Client: ShopClient,
  });
  pool.on('error', (error) => report('an idle database connection failed; it was dropped', error));
  pool.on('connect', (client) => {
    // The query running on it (if any) fails with this error too, and that decides what the caller sees.
    client.on('error', (error) => report('a database connection in use failed', error));
  });
  return pool;
}

/** SQLSTATE classes and codes that mean "the database is not there", not "the query is wrong". */
const UNAVAILABLE_SQLSTATE = /^(08|57P0[1-3]|53300)/;
/** Messages pg and pg-pool give when the connection itself failed (they carry no SQLSTATE). */
const UNAVAILABLE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|timeout expired|not queryable|Connection refused|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN/i;

/**
 * True when `error` says Postgres is unreachable, restarting or refusing connections (answered 503, retried later),
 * rather than that a query failed. Node wraps a failed connect to several addresses in an AggregateError.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof AggregateError) return error.errors.some(isDatabaseUnavailable);
  if (error instanceof DatabaseError) return UNAVAILABLE_SQLSTATE.test(error.code ?? '');
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code === 'string' && UNAVAILABLE_MESSAGE.test(code)) return true;
  return UNAVAILABLE_MESSAGE.test(error.message) || (error.cause !== undefined && isDatabaseUnavailable(error.cause));
}

/** host:port/database of a connection string, without the credentials, for messages. */
export function databaseAddress(databaseUrl: string): string {
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

/** What a transaction asked to run once it has committed (afterCommit), by the client it runs on. */
const committedActions = new WeakMap<object, Array<() => Promise<void>>>();

/**
 * Runs `action` once the transaction `db` is in has committed, before the transaction's caller goes on (and at once
 * when `db` is no client of inTransaction, whose statements commit by themselves); never if it rolls back. For what
 * must follow the change but cannot be part of it, such as dropping cache entries. `action` must not throw.
 */
export async function afterCommit(db: Db, action: () => Promise<void>): Promise<void> {
  const actions = committedActions.get(db);
  if (actions) actions.push(action);
  else await action();
}

/** Runs `work` in a transaction on a client the caller holds (one that keeps a session lock across several, say). */
export async function inTransaction<T>(client: PoolClient, work: () => Promise<T>): Promise<T> {
  const actions: Array<() => Promise<void>> = [];
  committedActions.set(client, actions);
  try {
    await client.query('BEGIN');
    let result: T;
    try {
      result = await work();
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    committedActions.delete(client);
    for (const action of actions) await action();
    return result;
  } finally {
    committedActions.delete(client);
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
