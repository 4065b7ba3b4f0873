import type { Account } from './accounts';
import { CallLog } from './call-log';
import type { Charge } from './charges';
import { IdempotencyStore } from './idempotency';
import type { PaymentIntent } from './payment-intents';
import type { Refund } from './refunds';
import { PaymentMethods } from './test-payment-methods';
import type { DeliveryAttempt } from './webhook-delivery';

/** Everything one account owns; another account's objects are `No such ...` to it, as at Stripe. */
export class Ledger {
  readonly intents = new Map<string, PaymentIntent>();
  readonly charges = new Map<string, Charge>();
  readonly refunds = new Map<string, Refund>();
  readonly methods = new PaymentMethods();
  readonly idempotency = new IdempotencyStore();
  readonly calls = new CallLog();
  readonly deliveries: DeliveryAttempt[] = [];

  constructor(readonly account: Account) {}
}
