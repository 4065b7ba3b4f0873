import { createHash } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import Redis from 'ioredis';
import { isDatabaseUnavailable } from './db';

/**
 * The catalog cache in Redis (docs/API.md, "Caching"): product reads and catalog listings, never a customer's cart,
 * orders or account. Redis is an optimisation, not a dependency: when it is down, slow or unset every read goes to
 * Postgres (`bypass`), and no request fails because of it.
 *
 * Keys (all under `shop:cache:v1:`, which the suite's `cache` fixture reads):
 * - `product:<id>`: a product as GET /api/products/:id answers it;
 * - `catalog:<scope>:<digest>`: a listing page; the scope is `category=<slug>` when the query names one, else `all`;
 *   the digest is of the rest of the query;
 * - `catalog-keys:<scope>`: the listing keys filled in a scope, so one change drops them all;
 * - `stale:<key>`: the last value a key held, kept a day and never invalidated: served, marked stale, only when
 *   Postgres is unreachable;
 * - `generation:<product id | scope>`: bumped by every invalidation; a fill that read Postgres before the bump is
 *   not stored, so a slow reader cannot put back what a change has just invalidated.
 */

const PREFIX = 'shop:cache:v1:';

/** Where an answer came from: X-Cache on the catalog's responses. */
export type CacheOutcome = 'hit' | 'miss' | 'stale' | 'bypass';

export interface Cached<T> {
  value: T;
  outcome: CacheOutcome;
  /** Seconds since it was stored, for a stale answer (its Age header). */
  ageSeconds?: number;
}

export interface CacheSettings {
  /** REDIS_URL; unset means no cache. */
  url?: string;
  /** How long a filled entry lives without an invalidation (CACHE_TTL_SECONDS). */
  ttlSeconds: number;
  /** How long the last known value of a key is kept for the database's outages (CACHE_STALE_TTL_SECONDS). */
  staleTtlSeconds: number;
  /** One Redis command's bound before the read goes to Postgres (CACHE_TIMEOUT_MS). */
  timeoutMs: number;
}

/** What a product or stock change invalidates: the product's own key and the listings of its categories. */
export interface CatalogChange {
  productId: string;
  /** Every category the product was in before or after the change (by slug). */
  categories: string[];
}

interface Entry<T> {
  value: T;
  storedAt: number;
}

/** Stores the value (and its stale copy) only if the key's generation is still the one read before Postgres was. */
const FILL_SCRIPT = `
if (redis.call('GET', KEYS[2]) or '0') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
redis.call('SET', KEYS[3], ARGV[2], 'EX', ARGV[4])
if KEYS[4] then
  redis.call('SADD', KEYS[4], KEYS[1])
  redis.call('EXPIRE', KEYS[4], ARGV[4])
end
return 1`;

/** Drops each product key and each scope's listings, and bumps their generations: KEYS are pairs of (key or set, generation). */
const INVALIDATE_SCRIPT = `
for i = 1, #KEYS, 2 do
  if ARGV[(i + 1) / 2] == 'set' then
    local members = redis.call('SMEMBERS', KEYS[i])
    for _, member in ipairs(members) do redis.call('DEL', member) end
  end
  redis.call('DEL', KEYS[i])
  redis.call('INCR', KEYS[i + 1])
end
return 1`;

type ScriptedRedis = Redis & {
  fillIfCurrent(...args: (string | number)[]): Promise<number>;
  invalidateKeys(...args: (string | number)[]): Promise<number>;
};

/** How a listing is asked for, everything that changes its answer. */
export interface ListingKey {
  category?: string;
  /** The rest of the query and the page's base path and default size. */
  rest: Record<string, unknown>;
}

const scopeOf = (category: string | undefined) => (category === undefined ? 'all' : `category=${category}`);

function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 24);
}

export class CatalogCache {
  private reportedDown = false;
  private log?: Pick<FastifyBaseLogger, 'info' | 'warn'>;

  private constructor(
    private readonly redis: ScriptedRedis | undefined,
    private readonly settings: CacheSettings,
  ) {}

  /** Connects in the background: a Redis that is down at start is only a cache that starts cold later. */
  static connect(settings: CacheSettings): CatalogCache {
    if (!settings.url) return new CatalogCache(undefined, settings);
    const redis = new Redis(settings.url, {
      // A command while disconnected fails at once instead of queueing: the read goes to Postgres.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: settings.timeoutMs,
      connectTimeout: 1_000,
      // Reconnects for ever, at most a second apart, so the cache is back within a second of Redis.
      retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
      lazyConnect: false,
    }) as ScriptedRedis;
    redis.defineCommand('fillIfCurrent', { lua: FILL_SCRIPT });
    redis.defineCommand('invalidateKeys', { lua: INVALIDATE_SCRIPT });
    const cache = new CatalogCache(redis, settings);
    redis.on('ready', () => {
      if (cache.reportedDown) cache.log?.info('the catalog cache (Redis) answers again');
      cache.reportedDown = false;
    });
    // ioredis reports every failed reconnect; one line per outage is enough.
    redis.on('error', (error: Error) => cache.reportDown(error));
    return cache;
  }

  get enabled(): boolean {
    return this.redis !== undefined;
  }

  /** Where the outage lines go (the shop's log, once it has one; an outage before that is reported after). */
  logTo(log: Pick<FastifyBaseLogger, 'info' | 'warn'>): void {
    this.log = log;
  }

  private reportDown(error: unknown): void {
    if (this.reportedDown || !this.log) return;
    this.reportedDown = true;
    this.log.warn({ err: error instanceof Error ? error.message : String(error) }, 'the catalog cache (Redis) does not answer; reading from Postgres');
  }

  /** A product by id: from the cache, else from `load` (stored when it succeeds), else stale if Postgres is down. */
  product<T>(id: string, load: () => Promise<T>): Promise<Cached<T>> {
    return this.read(`product:${id}`, `generation:product:${id}`, undefined, load);
  }

  /** A listing page, the same way; its key lives in its scope's set, so a change in the category drops it. */
  listing<T>(key: ListingKey, load: () => Promise<T>): Promise<Cached<T>> {
    const scope = scopeOf(key.category);
    return this.read(`catalog:${scope}:${digest(key.rest)}`, `generation:${scope}`, `catalog-keys:${scope}`, load);
  }

  private async read<T>(key: string, generationKey: string, setKey: string | undefined, load: () => Promise<T>): Promise<Cached<T>> {
    const redis = this.redis;
    if (!redis) return { value: await load(), outcome: 'bypass' };
    let generation: string | undefined;
    try {
      const [cached, current] = await redis.mget(PREFIX + key, PREFIX + generationKey);
      if (cached !== null) {
        return { value: (JSON.parse(cached) as Entry<T>).value, outcome: 'hit' };
      }
      generation = current ?? '0';
    } catch (error) {
      this.reportDown(error);
    }
    if (generation === undefined) return { value: await load(), outcome: 'bypass' };
    let value: T;
    try {
      value = await load();
    } catch (error) {
      const stale = isDatabaseUnavailable(error) ? await this.staleValue<T>(key) : undefined;
      if (stale) return stale;
      throw error;
    }
    const entry: Entry<T> = { value, storedAt: Date.now() };
    const keys = [PREFIX + key, PREFIX + generationKey, `${PREFIX}stale:${key}`, ...(setKey ? [PREFIX + setKey] : [])];
    await redis
      .fillIfCurrent(keys.length === 4 ? 4 : 3, ...keys, generation, JSON.stringify(entry), this.settings.ttlSeconds, this.settings.staleTtlSeconds)
      .catch((error: unknown) => this.reportDown(error));
    return { value, outcome: 'miss' };
  }

  private async staleValue<T>(key: string): Promise<Cached<T> | undefined> {
    try {
      const stale = await this.redis!.get(`${PREFIX}stale:${key}`);
      if (stale === null) return undefined;
      const entry = JSON.parse(stale) as Entry<T>;
      return { value: entry.value, outcome: 'stale', ageSeconds: Math.max(0, Math.floor((Date.now() - entry.storedAt) / 1_000)) };
    } catch (error) {
      this.reportDown(error);
      return undefined;
    }
  }

  /**
   * Drops what a change made outdated. Called after the change commits by the shop that made it, and again by every
   * shop for the products.changed event; a Redis that is down is logged, and its keys expire within the TTL.
   */
  async invalidate(change: CatalogChange): Promise<void> {
    const redis = this.redis;
    if (!redis) return;
    const keys: string[] = [`${PREFIX}product:${change.productId}`, `${PREFIX}generation:product:${change.productId}`];
    const kinds = ['key'];
    for (const scope of [scopeOf(undefined), ...new Set(change.categories.map(scopeOf))]) {
      keys.push(`${PREFIX}catalog-keys:${scope}`, `${PREFIX}generation:${scope}`);
      kinds.push('set');
    }
    await redis.invalidateKeys(keys.length, ...keys, ...kinds);
  }

  /** Invalidation that never fails its caller: the change has committed, and the event will invalidate again. */
  async invalidateQuietly(changes: CatalogChange[]): Promise<void> {
    for (const change of changes) await this.invalidate(change).catch((error: unknown) => this.reportDown(error));
  }

  /** `up` when Redis answers a PING within a second, `down` when not, `off` without REDIS_URL. */
  async state(): Promise<'up' | 'down' | 'off'> {
    if (!this.redis) return 'off';
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'down'>((resolve) => (timer = setTimeout(() => resolve('down'), 1_000)));
    const ping = this.redis.ping().then(
      (): 'up' => 'up',
      (): 'down' => 'down',
    );
    try {
      return await Promise.race([ping, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    if (this.redis) await this.redis.quit().catch(() => this.redis!.disconnect());
  }
}
