import type { IncomingMessage, ServerResponse } from 'node:http';
import { accountFromRequest, type AccountRegistry } from './accounts';
import type { JsonAnswer } from './api-call';
import { readBody, sendJson } from './http-io';
import { Ledger } from './ledger';
import { describeMethod } from './test-payment-methods';
import { internalError, invalidRequest, resourceMissing, StripeApiError, unrecognizedUrl } from './stripe-errors';

export interface TestDependencies {
  accounts: AccountRegistry;
  ledgerOf(accountId: string): Ledger;
  addLedger(ledger: Ledger): void;
}

/**
 * Test-only endpoints under /_test (JSON in, JSON out, Stripe's error shape): program payment
 * methods, add accounts, and read what the gateway saw and sent. Authenticated with an account's
 * secret key like the API; each account sees only its own methods, calls and deliveries.
 */
export class TestEndpoints {
  constructor(private readonly deps: TestDependencies) {}

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    let answer: JsonAnswer;
    try {
      answer = await this.route(req, url);
    } catch (error) {
      if (!(error instanceof StripeApiError)) console.error(`[gateway] ${req.method} ${url.pathname} failed:`, error);
      answer = (error instanceof StripeApiError ? error : internalError()).toAnswer();
    }
    sendJson(res, answer.status, JSON.stringify(answer.body), answer.headers);
  }

  private async route(req: IncomingMessage, url: URL): Promise<JsonAnswer> {
    const account = this.deps.accounts.authenticate(req.headers);
    const ledger = this.deps.ledgerOf(account.id);
    const method = req.method ?? 'GET';
    const path = url.pathname;

    if (method === 'POST' && path === '/_test/accounts') {
      const added = this.deps.accounts.add(accountFromRequest(await readJson(req)));
      // Run under the e2e harness's outbound guard, the gateway may deliver to an endpoint a test gives it here.
      const allowOutbound = (globalThis as Record<symbol, ((url: string) => void) | undefined>)[Symbol.for('event-shop-e2e.outbound.allow')];
      allowOutbound?.(added.webhookUrl);
      this.deps.addLedger(new Ledger(added));
      console.log(`[gateway] account ${added.id} added (webhooks to ${added.webhookUrl})`);
      return { status: 201, body: { object: 'account', ...added } };
    }
    if (method === 'POST' && path === '/_test/payment_methods') {
      const programmed = ledger.methods.program(await readJson(req));
      const refunds = programmed.refunds.failures > 0 ? `, refunds ${JSON.stringify(programmed.refunds)}` : '';
      console.log(`[gateway] ${account.id} programmed ${programmed.id}: ${JSON.stringify(programmed.behavior)}${refunds}`);
      return { status: 201, body: describeMethod(programmed) };
    }
    const calls = /^\/_test\/payment_methods\/([A-Za-z0-9_]+)\/calls$/.exec(path);
    if (method === 'GET' && calls) {
      const id = calls[1];
      if (!ledger.methods.exists(id)) throw resourceMissing('payment_method', id);
      return { status: 200, body: { object: 'list', data: ledger.calls.of(id) } };
    }
    if (method === 'GET' && path === '/_test/webhook_deliveries') {
      const intent = url.searchParams.get('payment_intent');
      const method = url.searchParams.get('payment_method');
      const data = ledger.deliveries.filter((delivery) => (!intent || delivery.paymentIntent === intent) && (!method || delivery.paymentMethod === method));
      return { status: 200, body: { object: 'list', data } };
    }
    throw unrecognizedUrl(method, path);
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const body = await readBody(req);
  try {
    return JSON.parse(body || 'null');
  } catch {
    throw invalidRequest('parameter_invalid', 'The body of a /_test endpoint must be JSON.');
  }
}
