import type { CacheSettings } from './cache';
import type { ShippingRates } from './services/pricing';
import { StartupError } from './startup';

/** The shop's settings, read once from the environment (see docs/API.md, "Configuration"). */
export interface Config {
  host: string;
  port: number;
  publicUrl: string;
  logLevel: string;
  databaseUrl: string;
  kafkaBrokers: string[];
  topicPrefix: string;
  smtp: { host: string; port: number };
  mailFrom: string;
  jwtSecret: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  loginMaxFailures: number;
  /** bcrypt's cost factor for new password hashes (PASSWORD_HASH_ROUNDS): 10 by default, 4-15. */
  passwordHashRounds: number;
  loginLockSeconds: number;
  admin: { email: string; password: string };
  catalog: { seed: number; size: number };
  stripe: StripeSettings;
  paymentPolicy: PaymentPolicySettings;
  database: DatabaseSettings;
  webhookToleranceSeconds: number;
  shipping: ShippingRates;
  cache: CacheSettings;
}

/** How the `stripe` SDK reaches the payment provider; host, port and protocol unset mean Stripe itself. */
export interface StripeSettings {
  secretKey: string;
  webhookSecret: string;
  host?: string;
  port?: number;
  protocol?: 'http' | 'https';
  timeoutMs: number;
  maxNetworkRetries: number;
}

/** How the shop calls the payment provider (services/paymentPolicy.ts): retries' backoff, the breaker, the recovery. */
export interface PaymentPolicySettings {
  /** One attempt's bound (STRIPE_TIMEOUT_MS). */
  timeoutMs: number;
  /** Retries of one call after a timeout, a network error or a 5xx, same idempotency key (STRIPE_MAX_NETWORK_RETRIES). */
  retries: number;
  retryInitialDelayMs: number;
  retryMaxDelayMs: number;
  /** Consecutive failed calls that open the breaker. */
  breakerThreshold: number;
  /** How long it stays open before one trial call goes through. */
  breakerCooldownMs: number;
  /** How often orders left paying or refunding by a shop that died mid-call are looked for. */
  recoveryIntervalMs: number;
}

/** The Postgres pool: its size, and how long a request waits for a connection before it is answered 503. */
export interface DatabaseSettings {
  poolSize: number;
  poolWaitMs: number;
}

type Env = Record<string, string | undefined>;

function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new StartupError(`${name} is required`);
  return value;
}

function optional(env: Env, name: string, fallback: string): string {
  const value = env[name]?.trim();
  return value ? value : fallback;
}

function integer(env: Env, name: string, fallback: number | undefined, min: number): number {
  const raw = env[name]?.trim();
  if (!raw) {
    if (fallback === undefined) throw new StartupError(`${name} is required`);
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min) {
    throw new StartupError(`${name} must be an integer >= ${min}, got "${raw}"`);
  }
  return value;
}

/** bcrypt takes 4 to 31 rounds; past 15 one login costs seconds of CPU, which is a mistake, not a setting. */
function hashRounds(env: Env): number {
  const rounds = integer(env, 'PASSWORD_HASH_ROUNDS', 10, 4);
  if (rounds > 15) throw new StartupError(`PASSWORD_HASH_ROUNDS must be 4-15 (bcrypt's cost factor), got "${rounds}"`);
  return rounds;
}

/** A USD amount with at most two decimals, as cents. */
function money(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!/^\d+(\.\d{1,2})?$/.test(raw)) throw new StartupError(`${name} must be an amount like 5.00, got "${raw}"`);
  return Math.round(Number(raw) * 100);
}

function stripeSettings(env: Env): StripeSettings {
  const protocol = env.STRIPE_API_PROTOCOL?.trim() || undefined;
  if (protocol !== undefined && protocol !== 'http' && protocol !== 'https') {
    throw new StartupError(`STRIPE_API_PROTOCOL must be http or https, got "${protocol}"`);
  }
  const port = env.STRIPE_API_PORT?.trim() ? integer(env, 'STRIPE_API_PORT', undefined, 1) : undefined;
  return {
    secretKey: required(env, 'STRIPE_SECRET_KEY'),
    webhookSecret: required(env, 'STRIPE_WEBHOOK_SECRET'),
    host: env.STRIPE_API_HOST?.trim() || undefined,
    port,
    protocol,
    timeoutMs: integer(env, 'STRIPE_TIMEOUT_MS', 5000, 1),
    maxNetworkRetries: integer(env, 'STRIPE_MAX_NETWORK_RETRIES', 2, 0),
  };
}

function paymentPolicySettings(env: Env, stripe: StripeSettings): PaymentPolicySettings {
  return {
    timeoutMs: stripe.timeoutMs,
    retries: stripe.maxNetworkRetries,
    retryInitialDelayMs: integer(env, 'PAYMENT_RETRY_INITIAL_DELAY_MS', 200, 1),
    retryMaxDelayMs: integer(env, 'PAYMENT_RETRY_MAX_DELAY_MS', 2000, 1),
    breakerThreshold: integer(env, 'PAYMENT_BREAKER_THRESHOLD', 5, 1),
    breakerCooldownMs: integer(env, 'PAYMENT_BREAKER_COOLDOWN_MS', 30000, 1),
    recoveryIntervalMs: integer(env, 'PAYMENT_RECOVERY_INTERVAL_MS', 5000, 100),
  };
}

function cacheSettings(env: Env): CacheSettings {
  const url = env.REDIS_URL?.trim() || undefined;
  if (url !== undefined && !/^rediss?:\/\/[^/]/.test(url)) throw new StartupError(`REDIS_URL must be a redis:// URL, got "${url}"`);
  return {
    url,
    ttlSeconds: integer(env, 'CACHE_TTL_SECONDS', 300, 1),
    staleTtlSeconds: integer(env, 'CACHE_STALE_TTL_SECONDS', 86400, 1),
    timeoutMs: integer(env, 'CACHE_TIMEOUT_MS', 200, 1),
  };
}

export function loadConfig(env: Env = process.env): Config {
  const stripe = stripeSettings(env);
  const host = optional(env, 'HOST', '127.0.0.1');
  const port = integer(env, 'PORT', 3000, 0);
  return {
    host,
    port,
    publicUrl: optional(env, 'PUBLIC_URL', `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`).replace(/\/+$/, ''),
    logLevel: optional(env, 'LOG_LEVEL', 'info'),
    databaseUrl: required(env, 'DATABASE_URL'),
    kafkaBrokers: required(env, 'KAFKA_BROKERS')
      .split(',')
      .map((broker) => broker.trim())
      .filter(Boolean),
    topicPrefix: env.TOPIC_PREFIX?.trim() ?? '',
    smtp: { host: required(env, 'SMTP_HOST'), port: integer(env, 'SMTP_PORT', undefined, 1) },
    mailFrom: optional(env, 'MAIL_FROM', 'Event Shop <no-reply@event-shop.test>'),
    jwtSecret: required(env, 'JWT_SECRET'),
    accessTokenTtlSeconds: integer(env, 'ACCESS_TOKEN_TTL_SECONDS', 900, 1),
    refreshTokenTtlSeconds: integer(env, 'REFRESH_TOKEN_TTL_SECONDS', 604800, 1),
    loginMaxFailures: integer(env, 'LOGIN_MAX_FAILURES', 5, 1),
    passwordHashRounds: hashRounds(env),
    loginLockSeconds: integer(env, 'LOGIN_LOCK_SECONDS', 900, 1),
    admin: {
      email: optional(env, 'ADMIN_EMAIL', 'admin@event-shop.test').toLowerCase(),
      password: optional(env, 'ADMIN_PASSWORD', 'Admin-password-1'),
    },
    catalog: { seed: integer(env, 'CATALOG_SEED', 1, 0), size: integer(env, 'CATALOG_SIZE', 40, 0) },
    stripe,
    paymentPolicy: paymentPolicySettings(env, stripe),
    database: { poolSize: integer(env, 'DATABASE_POOL_SIZE', 10, 1), poolWaitMs: integer(env, 'DATABASE_POOL_WAIT_MS', 2000, 1) },
    webhookToleranceSeconds: integer(env, 'WEBHOOK_TOLERANCE_SECONDS', 300, 1),
    shipping: {
      flatRateCents: money(env, 'SHIPPING_FLAT_RATE', 500),
      internationalRateCents: money(env, 'SHIPPING_INTERNATIONAL_RATE', 1500),
      freeOverCents: money(env, 'FREE_SHIPPING_OVER', 10000),
    },
    cache: cacheSettings(env),
  };
}
