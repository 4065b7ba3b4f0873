/**
 * A benchmark (not a test): while 12 placements hang at the payment provider, do 8 other customers still get fast,
 * successful answers (catalog, cart, login)? It prints the other customers' latencies (p50, p95, max), their
 * statuses, how the 12 placements ended, and the shop's payment-provider circuit before and after.
 *
 *   npm run bench:provider                               starts its own services, gateway and shop (like npm run env:up)
 *   SHOP_URL=… GATEWAY_URL=… STRIPE_SECRET_KEY=… npx tsx scripts/bench-hanging-provider.ts
 *                                                        measures a shop that is already up (the lines env:up prints)
 *
 * Options (environment): BENCH_PAYERS (12), BENCH_OTHERS (8), BENCH_THINK_MS (250: each other customer's mean pause
 * between two rounds of requests, random from 0 to twice that, as people browsing; 0 hammers the shop in lockstep, and
 * eight logins hashing their passwords at the same instant then measure the shop's CPU, not the provider's effect),
 * BENCH_ADMIN_EMAIL / BENCH_ADMIN_PASSWORD (else ADMIN_*). The same rounds are measured first
 * with nothing hanging, so the two can be compared on the same machine and load.
 * The 12 hanging calls open the shop's circuit at its default threshold: use a shop of its own, never one a suite runs on.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { config as loadDotenv } from 'dotenv';
import { resolveShopSettings } from '../environment/node-service';
import { startServices } from '../environment/providers';
import { EnvironmentRun } from '../environment/run';
import { startShopStack } from '../environment/shop-stack';
import { cliLogDir } from '../environment/paths';

interface Target {
  shopUrl: string;
  gatewayUrl: string;
  secretKey: string;
  adminEmail: string;
  adminPassword: string;
  stop: () => Promise<void>;
}

interface Sample {
  what: string;
  status: number;
  ms: number;
}

const PAYERS = Number(process.env.BENCH_PAYERS ?? 12);
const OTHERS = Number(process.env.BENCH_OTHERS ?? 8);
const THINK_MS = Number(process.env.BENCH_THINK_MS ?? 250);
const PASSWORD = 'Bench-password-1';
const ADDRESS = { name: 'Bench Customer', line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' };

async function target(): Promise<Target> {
  loadDotenv({ quiet: true });
  const env = process.env;
  const admin = { adminEmail: env.BENCH_ADMIN_EMAIL ?? env.ADMIN_EMAIL, adminPassword: env.BENCH_ADMIN_PASSWORD ?? env.ADMIN_PASSWORD };
  if (env.SHOP_URL && env.GATEWAY_URL && env.STRIPE_SECRET_KEY) {
    return {
      shopUrl: env.SHOP_URL,
      gatewayUrl: env.GATEWAY_URL,
      secretKey: env.STRIPE_SECRET_KEY,
      adminEmail: admin.adminEmail ?? 'admin@event-shop.test',
      adminPassword: admin.adminPassword ?? 'Admin-password-1',
      stop: async () => undefined,
    };
  }
  console.log('[bench] no SHOP_URL, GATEWAY_URL and STRIPE_SECRET_KEY: starting services, gateway and shop of its own');
  const run = new EnvironmentRun({ logDir: cliLogDir('bench-hanging-provider') });
  process.once('SIGINT', () => void run.stop().then(() => process.exit(130)));
  const services = await startServices(run, { startsShop: true });
  const settings = resolveShopSettings();
  const stack = await startShopStack(services, run, settings);
  return {
    shopUrl: stack.shop.url,
    gatewayUrl: stack.gateway.payments.gatewayUrl,
    secretKey: stack.gateway.payments.secretKey,
    adminEmail: settings.adminEmail,
    adminPassword: settings.adminPassword,
    stop: () => run.stop(),
  };
}

/** One JSON call; its status, body and how long it took. */
async function call(base: string, method: string, path: string, options: { token?: string; body?: unknown } = {}) {
  const began = performance.now();
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
  });
  const text = await response.text();
  const ms = performance.now() - began;
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, ms };
}

async function expectOk(label: string, answer: Promise<{ status: number; body: Record<string, unknown> }>) {
  const { status, body } = await answer;
  if (status >= 300) throw new Error(`${label}: ${status} ${JSON.stringify(body)}`);
  return body;
}

async function login(shop: string, email: string, password: string): Promise<string> {
  const body = await expectOk(`login ${email}`, call(shop, 'POST', '/api/auth/login', { body: { email, password } }));
  return body.accessToken as string;
}

async function customer(shop: string, label: string): Promise<{ email: string; token: string }> {
  const email = `bench-${label}-${randomUUID()}@example.test`;
  await expectOk('register', call(shop, 'POST', '/api/users', { body: { email, password: PASSWORD, name: `Bench ${label}` } }));
  return { email, token: await login(shop, email, PASSWORD) };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

function latencies(samples: Sample[]): string {
  const ms = samples.map((sample) => sample.ms).sort((a, b) => a - b);
  return `p50 ${percentile(ms, 50).toFixed(0)} ms, p95 ${percentile(ms, 95).toFixed(0)} ms, max ${ms[ms.length - 1].toFixed(0)} ms`;
}

/** All requests' statuses and latencies, then each kind's (login hashes a password: it is the CPU-bound one). */
function summary(samples: Sample[]): string {
  const failed = samples.filter((sample) => sample.status >= 300);
  const kinds = [...new Set(samples.map((sample) => sample.what))];
  return (
    `${samples.length} requests, ${failed.length} not 2xx${failed.length ? ` (${[...new Set(failed.map((f) => `${f.what} ${f.status}`))].join(', ')})` : ''}; ` +
    `${latencies(samples)}\n` +
    kinds.map((kind) => `          ${kind}: ${latencies(samples.filter((sample) => sample.what === kind))}`).join('\n')
  );
}

/** One other customer's round: the catalog, a product, their cart, adding to it, logging in again. */
async function otherCustomerRound(shop: string, other: { email: string; token: string }, productId: string, samples: Sample[]) {
  const steps: [string, () => ReturnType<typeof call>][] = [
    ['catalog', () => call(shop, 'GET', '/api/products?pageSize=12')],
    ['product', () => call(shop, 'GET', `/api/products/${productId}`)],
    ['cart', () => call(shop, 'GET', '/api/cart', { token: other.token })],
    ['add to cart', () => call(shop, 'POST', '/api/cart/items', { token: other.token, body: { productId, quantity: 1 } })],
    ['remove from cart', () => call(shop, 'DELETE', `/api/cart/items/${productId}`, { token: other.token })],
    ['login', () => call(shop, 'POST', '/api/auth/login', { body: { email: other.email, password: PASSWORD } })],
  ];
  for (const [what, step] of steps) {
    const { status, ms } = await step();
    samples.push({ what, status, ms });
  }
  await new Promise((resolve) => setTimeout(resolve, THINK_MS * 2 * Math.random()));
}

async function main(): Promise<void> {
  const t = await target();
  try {
    const shop = t.shopUrl;
    const health = async () => JSON.stringify((await call(shop, 'GET', '/health')).body);
    console.log(`[bench] shop ${shop}, gateway ${t.gatewayUrl}; /health before: ${await health()}`);
    const load = () => (process.platform === 'linux' ? ` (load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs)` : '');

    const adminToken = await login(shop, t.adminEmail, t.adminPassword);
    const category = await expectOk('category', call(shop, 'POST', '/api/categories', { token: adminToken, body: { name: `Bench ${randomUUID().slice(0, 8)}` } }));
    const product = await expectOk(
      'product',
      call(shop, 'POST', '/api/products', { token: adminToken, body: { name: 'Bench widget', price: 12.5, stock: 100_000, categorySlug: category.slug } }),
    );
    const productId = product.id as string;

    const payers = await Promise.all(Array.from({ length: PAYERS }, (_, i) => customer(shop, `payer${i}`)));
    const others = await Promise.all(Array.from({ length: OTHERS }, (_, i) => customer(shop, `other${i}`)));
    for (const payer of payers) {
      await expectOk('cart item', call(shop, 'POST', '/api/cart/items', { token: payer.token, body: { productId, quantity: 1 } }));
      await expectOk('address', call(shop, 'PUT', '/api/cart/shipping-address', { token: payer.token, body: ADDRESS }));
    }

    const baseline: Sample[] = [];
    for (let round = 0; round < 8; round += 1) await Promise.all(others.map((other) => otherCustomerRound(shop, other, productId, baseline)));
    console.log(`[bench] other customers, nothing hanging (8 rounds of 6 requests each, ~${THINK_MS} ms apart)${load()}: ${summary(baseline)}`);

    const gatewayHeaders = { authorization: `Bearer ${t.secretKey}`, 'content-type': 'application/json' };
    const programmed = await fetch(`${t.gatewayUrl}/_test/payment_methods`, { method: 'POST', headers: gatewayHeaders, body: JSON.stringify({ behavior: { type: 'hang' } }) });
    const method = ((await programmed.json()) as { id: string }).id;

    const placementsBegan = performance.now();
    const placements = payers.map((payer) =>
      call(shop, 'POST', '/api/orders', { token: payer.token, body: { paymentMethod: method } }).then((answer) => ({
        ...answer,
        ms: performance.now() - placementsBegan,
      })),
    );
    let inFlight = true;
    void Promise.allSettled(placements).then(() => (inFlight = false));

    // Measure once every placement is hanging at the provider: its calls without an answer.
    const hanging = async () => {
      const response = await fetch(`${t.gatewayUrl}/_test/payment_methods/${method}/calls`, { headers: gatewayHeaders });
      return ((await response.json()) as { data: { status: number | null }[] }).data.filter((c) => c.status === null).length;
    };
    while ((await hanging()) < PAYERS && inFlight) await new Promise((resolve) => setTimeout(resolve, 20));
    const paying = (await call(shop, 'GET', `/api/orders`, { token: payers[0].token })).body.data as { status: string }[];
    console.log(`[bench] ${PAYERS} placements hanging at the provider after ${(performance.now() - placementsBegan).toFixed(0)} ms; payer 1's order: ${paying.map((o) => o.status).join(', ')}`);

    const during: Sample[] = [];
    let rounds = 0;
    while (inFlight) {
      await Promise.all(others.map((other) => otherCustomerRound(shop, other, productId, during)));
      rounds += 1;
    }
    const answers = await Promise.all(placements);
    console.log(`[bench] other customers while ${PAYERS} placements hung (${rounds} rounds of 6 requests each, ~${THINK_MS} ms apart)${load()}: ${summary(during)}`);
    const byStatus = new Map<string, number[]>();
    for (const answer of answers) {
      const key = `${answer.status} ${(answer.body.error as { code?: string } | undefined)?.code ?? ''}`.trim();
      byStatus.set(key, [...(byStatus.get(key) ?? []), answer.ms]);
    }
    for (const [status, times] of byStatus) {
      console.log(`[bench] placements answered ${status}: ${times.length}, after ${Math.min(...times).toFixed(0)}–${Math.max(...times).toFixed(0)} ms`);
    }
    console.log(`[bench] /health after: ${await health()}`);
  } finally {
    await t.stop();
  }
}

main().catch((error: unknown) => {
  console.error('[bench] failed:', error);
  process.exit(1);
});
