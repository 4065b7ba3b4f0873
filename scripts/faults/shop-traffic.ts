/**
 * What a customer does while a fault happens, and what the bench makes with it: a steady read every 50 ms (what
 * the user sees and when it works again), a registration every 250 ms (writes whose events and mails are counted
 * afterwards), and customers with a ready cart whose order can be placed at a chosen moment.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Answer {
  /** Milliseconds since the epoch when the request was sent and when its answer (or failure) came. */
  sentAt: number;
  answeredAt: number;
  /** The HTTP status, or 0 when no answer came (connection refused, timed out). */
  status: number;
  code?: string;
}

const REQUEST_TIMEOUT_MS = 10_000;

export class ShopClient {
  constructor(readonly url: string) {}

  async call(method: string, path: string, body?: unknown, token?: string): Promise<Answer & { json?: unknown }> {
    const sentAt = Date.now();
    try {
      const response = await fetch(`${this.url}${path}`, {
        method,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      const json = text ? (JSON.parse(text) as unknown) : undefined;
      const code = (json as { error?: { code?: string } } | undefined)?.error?.code;
      return { sentAt, answeredAt: Date.now(), status: response.status, code, json };
    } catch {
      return { sentAt, answeredAt: Date.now(), status: 0 };
    }
  }

  async expect<T>(method: string, path: string, status: number, body?: unknown, token?: string): Promise<T> {
    const answer = await this.call(method, path, body, token);
    if (answer.status !== status) throw new Error(`${method} ${path}: expected ${status}, got ${answer.status} ${answer.code ?? ''}`);
    return answer.json as T;
  }

  async login(email: string, password: string): Promise<string> {
    return (await this.expect<{ accessToken: string }>('POST', '/api/auth/login', 200, { email, password })).accessToken;
  }
}

/** Something that runs until stopped, then hands back what it recorded. */
export class Loop<T> {
  private stopped = false;
  private readonly done: Promise<void>;
  readonly records: T[] = [];

  constructor(intervalMs: number, step: (n: number) => Promise<T>) {
    this.done = (async () => {
      for (let n = 0; !this.stopped; n += 1) {
        const next = sleep(intervalMs);
        this.records.push(await step(n));
        await next;
      }
    })();
  }

  async stop(): Promise<T[]> {
    this.stopped = true;
    await this.done;
    return this.records;
  }
}

/** GET /api/categories every 50 ms: a read through the database, as a visitor browsing does. */
export function browse(shop: ShopClient): Loop<Answer> {
  return new Loop(50, () => shop.call('GET', '/api/categories'));
}

export interface Registration extends Answer {
  email: string;
}

/** A new customer every 250 ms; each one answered 201 must end with exactly one users.registered and one welcome mail. */
export function register(shop: ShopClient, label: string): Loop<Registration> {
  const run = randomUUID().slice(0, 8);
  return new Loop(250, async (n) => {
    const email = `bench-${label}-${run}-${n}@bench.test`;
    return { email, ...(await shop.call('POST', '/api/users', { email, password: 'Bench-password-1', name: `Bench ${n}` })) };
  });
}

/** A customer with a product in the cart and a shipping address: `place()` is one POST /api/orders away. */
export interface ReadyCustomer {
  email: string;
  place(): Promise<{ orderId: string; answer: Answer }>;
}

export async function readyCustomers(shop: ShopClient, admin: { email: string; password: string }, count: number): Promise<ReadyCustomer[]> {
  const adminToken = await shop.login(admin.email, admin.password);
  const slug = `bench-${randomUUID().slice(0, 8)}`;
  await shop.expect('POST', '/api/categories', 201, { name: `Bench ${slug}`, slug }, adminToken);
  const product = await shop.expect<{ id: string }>(
    'POST',
    '/api/products',
    201,
    { name: `Bench lamp ${slug}`, price: 20, stock: 10_000, categorySlug: slug },
    adminToken,
  );
  const customers: ReadyCustomer[] = [];
  for (let n = 0; n < count; n += 1) {
    const email = `bench-buyer-${slug}-${n}@bench.test`;
    const password = 'Bench-password-1';
    await shop.expect('POST', '/api/users', 201, { email, password, name: `Buyer ${n}` });
    const token = await shop.login(email, password);
    await shop.expect('POST', '/api/cart/items', 200, { productId: product.id, quantity: 1 }, token);
    const address = { name: `Buyer ${n}`, line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' };
    await shop.expect('PUT', '/api/cart/shipping-address', 200, address, token);
    customers.push({
      email,
      place: async () => {
        const answer = await shop.call('POST', '/api/orders', { paymentMethod: 'pm_card_visa' }, token);
        return { orderId: (answer.json as { id?: string } | undefined)?.id ?? '', answer };
      },
    });
  }
  return customers;
}

/** Polls `check` every `intervalMs` until it gives a value; undefined after `timeoutMs`. */
export async function pollUntil<T>(check: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 25): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() >= deadline) return undefined;
    await sleep(intervalMs);
  }
}
