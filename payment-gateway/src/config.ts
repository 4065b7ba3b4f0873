import { parseAccountsJson, type Account } from './accounts';
import type { DeliverySettings } from './webhook-delivery';

/** The gateway's settings, read once from the environment (README, "Configuration"). */
export interface GatewayConfig {
  host: string;
  port: number;
  accounts: Account[];
  delivery: DeliverySettings;
  asyncSettleMs: number;
  refundSettleMs: number;
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  return value;
}

function delays(env: Env, name: string, fallback: number[]): number[] {
  const raw = env[name]?.trim();
  if (raw === undefined) return fallback;
  if (raw === '') return []; // set but empty: deliver once, never retry
  const values = raw.split(',').map((part) => Number(part.trim()));
  if (values.some((value) => !Number.isSafeInteger(value) || value < 0)) throw new Error(`${name} must be comma-separated milliseconds, got "${raw}"`);
  return values;
}

export function loadConfig(env: Env = process.env): GatewayConfig {
  return {
    host: env.HOST?.trim() || '127.0.0.1',
    port: integer(env, 'PORT', 4000, 0),
    accounts: parseAccountsJson(env.GATEWAY_ACCOUNTS),
    delivery: {
      retryDelaysMs: delays(env, 'WEBHOOK_RETRY_DELAYS_MS', [250, 500, 1000, 2000, 4000]),
      dispatchDelayMs: integer(env, 'WEBHOOK_DISPATCH_DELAY_MS', 200, 0),
      attemptTimeoutMs: integer(env, 'WEBHOOK_TIMEOUT_MS', 5000, 1),
    },
    asyncSettleMs: integer(env, 'ASYNC_SETTLE_MS', 500, 0),
    refundSettleMs: integer(env, 'REFUND_SETTLE_MS', 500, 0),
  };
}
