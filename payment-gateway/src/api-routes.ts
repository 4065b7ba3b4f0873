import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccountRegistry } from './accounts';
import { NoAnswer, type ApiCall, type JsonAnswer } from './api-call';
import type { MethodCall } from './call-log';
import { parseFormBody, type FormObject } from './form-body';
import { clientGoneSignal, readBody, sendJson } from './http-io';
import type { IdempotencyClaim } from './idempotency';
import { newId } from './ids';
import type { Ledger } from './ledger';
import { isAbort } from './lifecycle';
import type { PaymentIntentService } from './payment-intents';
import type { RefundService } from './refunds';
import { retrievePaymentMethod } from './test-payment-methods';
import { idempotencyKeyInProgress, internalError, StripeApiError, unrecognizedUrl } from './stripe-errors';

type Handler = (call: ApiCall, id: string) => JsonAnswer | Promise<JsonAnswer>;

interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  handler: Handler;
}

export interface ApiDependencies {
  accounts: AccountRegistry;
  ledgerOf(accountId: string): Ledger;
  intents: PaymentIntentService;
  refunds: RefundService;
}

/**
 * The Stripe API subset under /v1: authentication by secret key, form-encoded parameters,
 * idempotency keys, and every answer logged on the payment methods the call used.
 */
export class StripeApi {
  private readonly routes: Route[];

  constructor(private readonly deps: ApiDependencies) {
    const ID = '([A-Za-z0-9_]+)';
    this.routes = [
      { method: 'POST', pattern: /^\/v1\/payment_intents$/, handler: (call) => deps.intents.create(call) },
      { method: 'POST', pattern: new RegExp(`^/v1/payment_intents/${ID}/confirm$`), handler: (call, id) => deps.intents.confirm(call, id) },
      { method: 'GET', pattern: new RegExp(`^/v1/payment_intents/${ID}$`), handler: (call, id) => deps.intents.retrieve(call, id) },
      { method: 'POST', pattern: /^\/v1\/refunds$/, handler: (call) => deps.refunds.create(call) },
      { method: 'GET', pattern: new RegExp(`^/v1/refunds/${ID}$`), handler: (call, id) => deps.refunds.retrieve(call, id) },
      { method: 'GET', pattern: new RegExp(`^/v1/payment_methods/${ID}$`), handler: (call, id) => retrievePaymentMethod(call, id) },
    ];
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const began = performance.now();
    const requestId = newId('req');
    const apiVersion = headerValue(req, 'stripe-version');
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const idempotencyKey = method === 'POST' ? headerValue(req, 'idempotency-key') : undefined;
    const headers: Record<string, string> = { 'Request-Id': requestId, ...(apiVersion ? { 'Stripe-Version': apiVersion } : {}), ...(idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}) };
    const calls: MethodCall[] = [];
    let accountId = '-';
    let methodUsed: string | undefined;
    let claim: IdempotencyClaim | undefined;
    const clientGone = clientGoneSignal(res);

    const finish = (answer: JsonAnswer, note = ''): void => {
      const json = JSON.stringify(answer.body);
      const answerHeaders = { ...headers, ...answer.headers };
      claim?.finish({ status: answer.status, json, headers: answer.headers ?? {} });
      for (const call of calls) call.status = answer.status;
      sendJson(res, answer.status, json, answerHeaders);
      logLine({ method, path, account: accountId, paymentMethod: methodUsed, idempotencyKey, objectId: idOf(answer.body) }, `${answer.status}${note}`, began);
    };

    try {
      const account = this.deps.accounts.authenticate(req.headers);
      accountId = account.id;
      const ledger = this.deps.ledgerOf(account.id);
      const route = this.routes.find((candidate) => candidate.method === method && candidate.pattern.test(path));
      if (!route) throw unrecognizedUrl(method, path);
      const id = route.pattern.exec(path)?.[1] ?? '';
      const rawBody = await readBody(req);
      // A GET's parameters (`expand[]=latest_charge`) come in the query string, as the SDK sends them.
      const params: FormObject = parseFormBody(method === 'POST' ? rawBody : url.search.slice(1));
      const logCall = (paymentMethod: string, replayed: boolean) => {
        methodUsed = paymentMethod;
        claim?.usesPaymentMethod(paymentMethod);
        calls.push(ledger.calls.record(paymentMethod, { method, path, idempotencyKey: idempotencyKey ?? null, replayed }, new Date()));
      };

      if (idempotencyKey) {
        const outcome = ledger.idempotency.begin(idempotencyKey, method, path, params);
        if (outcome.kind === 'busy') {
          if (outcome.paymentMethod) logCall(outcome.paymentMethod, false);
          throw idempotencyKeyInProgress();
        }
        if (outcome.kind === 'replay') {
          if (outcome.paymentMethod) logCall(outcome.paymentMethod, true);
          for (const call of calls) call.status = outcome.answer.status;
          sendJson(res, outcome.answer.status, outcome.answer.json, { ...headers, ...outcome.answer.headers, 'Idempotent-Replayed': 'true' });
          logLine({ method, path, account: accountId, paymentMethod: methodUsed, idempotencyKey }, `${outcome.answer.status} (idempotent replay)`, began);
          return;
        }
        claim = outcome.claim;
      }

      const call: ApiCall = {
        account,
        ledger,
        method,
        path,
        params,
        requestId,
        idempotencyKey,
        apiVersion,
        clientGone,
        usesPaymentMethod: (paymentMethod) => {
          if (methodUsed !== paymentMethod) logCall(paymentMethod, false);
        },
      };
      finish(await route.handler(call, id), clientGone.aborted ? ' (client had gone)' : '');
    } catch (error) {
      if (error instanceof NoAnswer || isAbort(error)) {
        // Nothing happened and nobody is waiting: the key is free again for the client's retry.
        claim?.release();
        res.destroy();
        logLine({ method, path, account: accountId, paymentMethod: methodUsed, idempotencyKey }, 'no answer', began);
        return;
      }
      if (error instanceof StripeApiError) return finish(error.toAnswer());
      console.error(`[gateway] ${method} ${path} failed:`, error);
      return finish(internalError().toAnswer());
    }
  }
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text?.trim() || undefined;
}

/** What one log line says of a call: enough to find it from the shop's side (the key names the order) or the object's. */
interface LoggedCall {
  method: string;
  path: string;
  account: string;
  paymentMethod?: string;
  idempotencyKey?: string;
  /** The id of the object answered (`pi_...`, `re_...`), when there is one. */
  objectId?: string;
}

const idOf = (body: unknown): string | undefined => {
  const id = (body as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : undefined;
};

/** `[gateway] <time> POST /v1/payment_intents acct_shop pm_card_visa key=order-<id> → 200 pi_... (6 ms)` */
function logLine(call: LoggedCall, outcome: string, began: number): void {
  const ms = Math.round(performance.now() - began);
  const parts = [call.method, call.path, call.account, call.paymentMethod, call.idempotencyKey && `key=${call.idempotencyKey}`].filter(Boolean);
  console.log(`[gateway] ${new Date().toISOString()} ${parts.join(' ')} → ${outcome}${call.objectId ? ` ${call.objectId}` : ''} (${ms} ms)`);
}
