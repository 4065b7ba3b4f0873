import { createHash } from 'node:crypto';
import { idempotencyKeyReused } from './stripe-errors';

/** An answer as it was sent, so a replay can send it again byte for byte (not the object as it is now). */
export interface StoredAnswer {
  status: number;
  json: string;
  headers: Record<string, string>;
}

interface Entry {
  fingerprint: string;
  /** Unset while the first request with the key runs. */
  answer?: StoredAnswer;
  /** The payment method the first request used, so its replays show up in the method's calls. */
  paymentMethod?: string;
}

export type IdempotencyOutcome =
  | { kind: 'replay'; answer: StoredAnswer; paymentMethod?: string }
  /** The key's first request is still running: Stripe answers 409. */
  | { kind: 'busy'; paymentMethod?: string }
  | { kind: 'new'; claim: IdempotencyClaim };

/** The right to run a request for a key; exactly one of finish() and release() ends it. */
export interface IdempotencyClaim {
  /** Notes the payment method as soon as it is known, so a concurrent retry's call is logged on it too. */
  usesPaymentMethod(id: string): void;
  finish(answer: StoredAnswer): void;
  release(): void;
}

/**
 * One account's idempotency keys (Stripe scopes them per account). A key's first answer is saved once
 * the endpoint has done something (2xx, or a card decline), and every later request with the key gets
 * it again without effect. Answers given before anything happened (parameter errors, a programmed
 * 503, a client that hung up) are not saved, so a retry runs for real; that is how Stripe describes
 * its idempotency layer.
 */
export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  /** What to do with a request carrying `key`: replay, refuse while busy, or run it (then finish or release). */
  begin(key: string, method: string, path: string, params: unknown): IdempotencyOutcome {
    const fingerprint = fingerprintOf(method, path, params);
    const entry = this.entries.get(key);
    if (entry) {
      if (entry.fingerprint !== fingerprint) throw idempotencyKeyReused(key);
      if (!entry.answer) return { kind: 'busy', paymentMethod: entry.paymentMethod };
      return { kind: 'replay', answer: entry.answer, paymentMethod: entry.paymentMethod };
    }
    const running: Entry = { fingerprint };
    this.entries.set(key, running);
    let ended = false;
    const end = (keep: boolean) => {
      if (ended) return;
      ended = true;
      if (!keep) this.entries.delete(key);
    };
    return {
      kind: 'new',
      claim: {
        usesPaymentMethod: (id) => {
          running.paymentMethod = id;
        },
        finish: (answer) => {
          if (isSaved(answer.status)) running.answer = answer;
          end(isSaved(answer.status));
        },
        release: () => end(false),
      },
    };
  }
}

/** 2xx: the request took effect; 402: a decline, which is a result too (the intent records it). */
function isSaved(status: number): boolean {
  return (status >= 200 && status < 300) || status === 402;
}

/** Same endpoint and same parameters, whatever order the form fields came in. */
function fingerprintOf(method: string, path: string, params: unknown): string {
  return createHash('sha256').update(`${method} ${path} ${canonicalJson(params)}`).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
