import {
  BrokenCircuitError,
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  halfJitterGenerator,
  handleWhen,
  IsolatedCircuitError,
  retry,
  TaskCancelledError,
  timeout,
  TimeoutStrategy,
  wrap,
  type CircuitBreakerPolicy,
  type IPolicy,
} from 'cockatiel';
import type { FastifyBaseLogger } from 'fastify';
import Stripe from 'stripe';
import type { PaymentPolicySettings } from '../config';

/** The payment provider's circuit as GET /health shows it. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** The breaker is open: the provider was not called. */
export class ProviderNotCalled extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('the payment provider circuit is open');
  }
}

/**
 * What may go better on another try: an attempt that timed out, a network error, a 5xx. A 4xx never is (a decline,
 * a bad parameter, a rejected key, a 409 for a request with the same key still running): the provider answered.
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof TaskCancelledError || error instanceof Stripe.errors.StripeConnectionError) return true;
  return error instanceof Stripe.errors.StripeError && (error.statusCode ?? 0) >= 500;
}

/**
 * The SDK's own timeout closes an attempt's socket (so a retry with the same key never meets the first one still
 * open); this bound, a little later, also ends an attempt that keeps the socket busy without ever answering.
 */
const ATTEMPT_GRACE_MS = 250;

const STATE_NAMES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'open',
};

/**
 * Every call to the payment provider goes through this (cockatiel): a timeout per attempt, retries with exponential
 * backoff and jitter on transient errors only, and a circuit breaker around the whole call. The breaker counts calls,
 * not attempts: `breakerThreshold` consecutive calls that failed after their retries open it; while open, a call
 * throws ProviderNotCalled at once; after `breakerCooldownMs` the next call is the trial (the ones arriving meanwhile
 * wait for its outcome): a success closes the circuit, a failure opens it for another cool-down. The caller keeps one
 * idempotency key across the retries of a call, so the provider charges or refunds once.
 */
export class ProviderPolicy {
  private readonly breaker: CircuitBreakerPolicy;
  private readonly policy: IPolicy;
  private openedAt = 0;
  private trialRunning = false;
  private log?: Pick<FastifyBaseLogger, 'info' | 'warn'>;

  constructor(private readonly settings: PaymentPolicySettings) {
    const transient = handleWhen(isTransient);
    this.breaker = circuitBreaker(transient, {
      halfOpenAfter: settings.breakerCooldownMs,
      breaker: new ConsecutiveBreaker(settings.breakerThreshold),
    });
    const retries = retry(transient, {
      maxAttempts: settings.retries,
      backoff: new ExponentialBackoff({
        generator: halfJitterGenerator,
        initialDelay: settings.retryInitialDelayMs,
        maxDelay: settings.retryMaxDelayMs,
      }),
    });
    const attempt = timeout(settings.timeoutMs + ATTEMPT_GRACE_MS, TimeoutStrategy.Aggressive);
    this.policy = wrap(this.breaker, retries, attempt);
    this.breaker.onBreak((reason) => {
      this.openedAt = Date.now();
      const cause = 'error' in reason ? String((reason.error as Error)?.message ?? reason.error) : 'isolated';
      const why = this.trialRunning ? 'the trial call failed' : `${settings.breakerThreshold} consecutive failed calls`;
      this.trialRunning = false;
      this.log?.warn(
        { paymentProvider: { breaker: 'open', retryAfterSeconds: this.retryAfterSeconds(), cause } },
        `payment provider circuit opened: ${why}`,
      );
    });
    this.breaker.onHalfOpen(() => {
      this.trialRunning = true;
      this.log?.info({ paymentProvider: { breaker: 'half-open' } }, 'payment provider circuit half-open: one trial call');
    });
    this.breaker.onReset(() => {
      this.trialRunning = false;
      this.log?.info({ paymentProvider: { breaker: 'closed' } }, 'payment provider circuit closed');
    });
  }

  /** Where the breaker's open, half-open and closed lines go (the shop's log, once it has one). */
  logTo(log: Pick<FastifyBaseLogger, 'info' | 'warn'>): void {
    this.log = log;
  }

  /** Runs one provider call under the policies; ProviderNotCalled when the circuit is open. */
  async execute<T>(call: () => Promise<T>): Promise<T> {
    try {
      // A 4xx is the provider answering: the breaker must count it as a success. Thrown through cockatiel, an error its
      // filter does not handle is neither a success nor a failure (a closed breaker's run of failures would go on), so
      // it crosses the policies as a value and is thrown again outside them.
      const outcome = await this.policy.execute(async (): Promise<{ value: T } | { answered: unknown }> => {
        try {
          return { value: await call() };
        } catch (error) {
          if (isTransient(error)) throw error;
          return { answered: error };
        }
      });
      if ('answered' in outcome) throw outcome.answered;
      return outcome.value;
    } catch (error) {
      if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) {
        throw new ProviderNotCalled(this.retryAfterSeconds());
      }
      throw error;
    }
  }

  get state(): BreakerState {
    return STATE_NAMES[this.breaker.state];
  }

  /** Whole seconds until the cool-down ends (at least 1: even then, the trial call may fail). */
  retryAfterSeconds(): number {
    const left = this.openedAt + this.settings.breakerCooldownMs - Date.now();
    return Math.max(1, Math.ceil(left / 1000));
  }

  /** The longest one call can take: every attempt timing out and every backoff at its maximum. */
  get maxCallMs(): number {
    const { timeoutMs, retries, retryMaxDelayMs } = this.settings;
    return (retries + 1) * (timeoutMs + ATTEMPT_GRACE_MS) + retries * retryMaxDelayMs;
  }
}
