import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AccountRegistry } from './accounts';
import { StripeApi } from './api-routes';
import type { GatewayConfig } from './config';
import { sendJson } from './http-io';
import { Ledger } from './ledger';
import { Lifecycle } from './lifecycle';
import { PaymentIntentService } from './payment-intents';
import { RefundService } from './refunds';
import { unrecognizedUrl } from './stripe-errors';
import { TestEndpoints } from './test-routes';
import { WebhookDispatcher } from './webhook-delivery';

export interface Gateway {
  server: Server;
  /** Resolves with the URL once listening. */
  listen(): Promise<string>;
  /** Stops listening, drops open requests (a hanging payment), cancels pending webhooks and timers. */
  close(): Promise<void>;
}

/** Wires the accounts, the Stripe API, the test endpoints and webhook delivery into one HTTP server. */
export function createGateway(config: GatewayConfig): Gateway {
  const lifecycle = new Lifecycle();
  const accounts = new AccountRegistry(config.accounts);
  const ledgers = new Map(config.accounts.map((account) => [account.id, new Ledger(account)]));
  const ledgerOf = (accountId: string): Ledger => {
    const ledger = ledgers.get(accountId);
    if (!ledger) throw new Error(`no ledger for ${accountId}`);
    return ledger;
  };
  const webhooks = new WebhookDispatcher(config.delivery, lifecycle);
  const intents = new PaymentIntentService({ asyncSettleMs: config.asyncSettleMs }, lifecycle, webhooks);
  const refunds = new RefundService({ refundSettleMs: config.refundSettleMs }, lifecycle, webhooks);
  const api = new StripeApi({ accounts, ledgerOf, intents, refunds });
  const testEndpoints = new TestEndpoints({ accounts, ledgerOf, addLedger: (ledger) => ledgers.set(ledger.account.id, ledger) });

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://gateway');
    if (url.pathname === '/health' && (req.method === 'GET' || req.method === 'HEAD')) {
      return sendJson(res, 200, JSON.stringify({ status: 'ok', accounts: accounts.size }));
    }
    if (url.pathname.startsWith('/v1/')) return api.handle(req, res, url);
    if (url.pathname.startsWith('/_test/')) return testEndpoints.handle(req, res, url);
    const answer = unrecognizedUrl(req.method ?? 'GET', url.pathname).toAnswer();
    sendJson(res, answer.status, JSON.stringify(answer.body));
  };

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      console.error('[gateway] unhandled error:', error);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  // A hanging payment must be able to outlast the client's timeout without the server cutting it.
  server.requestTimeout = 0;

  return {
    server,
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          const { port } = server.address() as AddressInfo;
          resolve(`http://${config.host}:${port}`);
        });
      }),
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await lifecycle.close();
      server.closeAllConnections();
      await closed;
    },
  };
}
