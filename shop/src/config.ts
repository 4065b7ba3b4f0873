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
  loginLockSeconds: number;
  admin: { email: string; password: string };
  catalog: { seed: number; size: number };
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

export function loadConfig(env: Env = process.env): Config {
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
    loginLockSeconds: integer(env, 'LOGIN_LOCK_SECONDS', 900, 1),
    admin: {
      email: optional(env, 'ADMIN_EMAIL', 'admin@event-shop.test').toLowerCase(),
      password: optional(env, 'ADMIN_PASSWORD', 'Admin-password-1'),
    },
    catalog: { seed: integer(env, 'CATALOG_SEED', 1, 0), size: integer(env, 'CATALOG_SIZE', 40, 0) },
  };
}
