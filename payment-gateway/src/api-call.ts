import type { Account } from './accounts';
import type { FormObject } from './form-body';
import type { Ledger } from './ledger';

/** What a Stripe API endpoint gets: the authenticated account, its parameters and where it came from. */
export interface ApiCall {
  account: Account;
  ledger: Ledger;
  method: string;
  path: string;
  params: FormObject;
  requestId: string;
  idempotencyKey?: string;
  /** The `Stripe-Version` the client asked for; events caused by the call carry it. */
  apiVersion?: string;
  /** Aborts when the client closes the connection before it got the answer (e.g. its timeout). */
  clientGone: AbortSignal;
  /** Notes that the call used a payment method, so it appears in that method's calls. */
  usesPaymentMethod(id: string): void;
}

/** An answer to send as JSON. */
export interface JsonAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Thrown when a request will never be answered (a `hang` method whose client gave up). */
export class NoAnswer extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'NoAnswer';
  }
}
