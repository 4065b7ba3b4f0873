import type { ShopSettings } from './node-service';
import type { PaymentSettings } from './payment-gateway';
import type { Services } from './types';

/** What global setup hands to the workers, through environment variables (workers start after it). */
export interface RunEnvironment {
  services: Services;
  /** Unset for `cli.ts up --no-shop`. */
  shopUrl?: string;
  /** Known when the suite started the shop or the user set them; JWT_SECRET may be unknown for a shop we did not start. */
  settings: Partial<ShopSettings>;
  /** The payment gateway and the shop's account there: ours when we started the shop, else from .env. */
  payments?: Partial<PaymentSettings>;
  /** Where the run's services write their logs (the tests attach the shop's and the gateway's lines of a failed test). */
  logDir?: string;
}

/**
 * Sets SHOP_URL, the services' variables (DATABASE_URL, KAFKA_BROKERS, MAILHOG_URL, SMTP_HOST, SMTP_PORT),
 * JWT_SECRET, ADMIN_*, TOPIC_PREFIX, PASSWORD_HASH_ROUNDS, GATEWAY_URL, STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, E2E_PROVIDER,
 * E2E_RUN_LOG_DIR.
 */
export function exportToWorkers(run: RunEnvironment, env: NodeJS.ProcessEnv = process.env): void {
  const values: Record<string, string | undefined> = {
    SHOP_URL: run.shopUrl,
    ...run.services.variables,
    JWT_SECRET: run.settings.jwtSecret,
    ADMIN_EMAIL: run.settings.adminEmail,
    ADMIN_PASSWORD: run.settings.adminPassword,
    TOPIC_PREFIX: run.settings.topicPrefix,
    PASSWORD_HASH_ROUNDS: run.settings.passwordHashRounds,
    GATEWAY_URL: run.payments?.gatewayUrl,
    STRIPE_SECRET_KEY: run.payments?.secretKey,
    STRIPE_WEBHOOK_SECRET: run.payments?.webhookSecret,
    E2E_PROVIDER: run.services.provider,
    E2E_RUN_LOG_DIR: run.logDir,
  };
  // Assigning undefined to process.env would store the string "undefined".
  for (const [name, value] of Object.entries(values)) if (value !== undefined) env[name] = value;
}

/** The KEY=value lines of `cli.ts up`, ready to paste into .env. */
export function dotenvLines(run: RunEnvironment): string[] {
  const env: NodeJS.ProcessEnv = {};
  exportToWorkers(run, env);
  delete env.E2E_PROVIDER;
  return Object.entries(env).map(([name, value]) => `${name}=${value}`);
}
