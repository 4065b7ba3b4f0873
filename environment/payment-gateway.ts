import { randomBytes } from 'node:crypto';
import { startNodeService, type StartedNodeService } from './node-service';
import type { EnvironmentRun } from './run';

/**
 * The payment provider as one shop and the suite see it: where the gateway (payment-gateway/) answers,
 * the shop's secret key there, and the secret its webhooks are signed with. The workers get them as
 * GATEWAY_URL, STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET: the suite programs the gateway with the key
 * and signs its own webhooks with the secret.
 */
export interface PaymentSettings {
  gatewayUrl: string;
  secretKey: string;
  webhookSecret: string;
}

/** An account at the gateway (payment-gateway/README.md, GATEWAY_ACCOUNTS). */
export interface GatewayAccount {
  id: string;
  secretKey: string;
  webhookUrl: string;
  webhookSecret: string;
}

/** The SDK settings the shop gets unless .env sets them (docs/API.md, "Configuration added"). */
const DEFAULT_STRIPE_TIMEOUT_MS = '2000';
const DEFAULT_STRIPE_MAX_NETWORK_RETRIES = '2';

/** Where a shop on this port receives the provider's webhooks (docs/API.md, "Payment webhooks"). */
export function shopWebhookUrl(shopPort: number): string {
  return `http://127.0.0.1:${shopPort}/api/webhooks/payments`;
}

/** A fresh account with random credentials: nothing signed in one run verifies in another. */
export function newGatewayAccount(id: string, webhookUrl: string): GatewayAccount {
  return {
    id,
    secretKey: `sk_test_${randomBytes(24).toString('hex')}`,
    webhookUrl,
    webhookSecret: `whsec_${randomBytes(24).toString('hex')}`,
  };
}

export type StartedGateway = StartedNodeService & {
  /** The shop's account: its key and webhook secret at this gateway. */
  readonly payments: PaymentSettings;
};

export interface StartGatewayOptions {
  /** The port the shop will listen on, for its webhook endpoint. */
  shopPort: number;
  /** Default: a free port. */
  port?: number;
  /** More gateway variables (payment-gateway/README.md). */
  env?: Record<string, string>;
}

/**
 * Starts payment-gateway/ with one account for the shop (random `sk_test_`/`whsec_` per run, webhooks
 * to the shop's port) and waits for GET /health = 200. The gateway keeps its state in memory: started
 * again, it has the same account but has forgotten its payment intents, programmed methods and
 * pending webhook retries.
 */
export async function startPaymentGateway(run: EnvironmentRun, options: StartGatewayOptions): Promise<StartedGateway> {
  const account = newGatewayAccount('acct_shop', shopWebhookUrl(options.shopPort));
  const gateway = await startNodeService(run, {
    name: 'payment-gateway',
    entry: 'payment-gateway/src/main.ts',
    env: { ...options.env, GATEWAY_ACCOUNTS: JSON.stringify([account]) },
    // It may call the shop's webhook endpoint and nothing else.
    trustedEnv: { GATEWAY_ACCOUNTS: JSON.stringify([account]) },
    port: options.port,
  });
  // Assigned onto the handle, not spread: its stop/kill/start methods live on its prototype.
  return Object.assign(gateway, { payments: { gatewayUrl: gateway.url, secretKey: account.secretKey, webhookSecret: account.webhookSecret } });
}

/**
 * The shop's STRIPE_* variables (docs/API.md) for an account at the gateway: the SDK's host, port and
 * protocol point at it; timeout and retries come from .env when set, else 2000 ms and 2.
 */
export function shopPaymentEnvironment(payments: PaymentSettings, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const url = new URL(payments.gatewayUrl);
  const protocol = url.protocol.replace(/:$/, '');
  return {
    STRIPE_SECRET_KEY: payments.secretKey,
    STRIPE_WEBHOOK_SECRET: payments.webhookSecret,
    STRIPE_API_HOST: url.hostname,
    STRIPE_API_PORT: url.port || (protocol === 'https' ? '443' : '80'),
    STRIPE_API_PROTOCOL: protocol,
    STRIPE_TIMEOUT_MS: env.STRIPE_TIMEOUT_MS || DEFAULT_STRIPE_TIMEOUT_MS,
    STRIPE_MAX_NETWORK_RETRIES: env.STRIPE_MAX_NETWORK_RETRIES || DEFAULT_STRIPE_MAX_NETWORK_RETRIES,
  };
}

/** What .env (or global setup, for the workers) says about the provider; unset ones are undefined. */
export function paymentSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<PaymentSettings> {
  return {
    gatewayUrl: env.GATEWAY_URL || undefined,
    secretKey: env.STRIPE_SECRET_KEY || undefined,
    webhookSecret: env.STRIPE_WEBHOOK_SECRET || undefined,
  };
}

/** The variable names of the settings still missing, for a message. */
export function missingPaymentVariables(payments: Partial<PaymentSettings>): string[] {
  const names: Record<keyof PaymentSettings, string> = { gatewayUrl: 'GATEWAY_URL', secretKey: 'STRIPE_SECRET_KEY', webhookSecret: 'STRIPE_WEBHOOK_SECRET' };
  return (Object.keys(names) as (keyof PaymentSettings)[]).filter((key) => !payments[key]).map((key) => names[key]);
}
