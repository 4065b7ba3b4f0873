import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Pool } from 'pg';
import { withTransaction } from '../db';
import { toCents } from '../money';
import type { Origin } from '../origin';
import { SYSTEM, type Attribution } from './auditLog';
import { findOrderRow, type OrderRow } from './orders';
import { payPayingOrder } from './paymentWebhooks';
import type { Payments } from './payments';
import { settleCharge, settleRefund } from './providerOutcomes';

/** Recovery acts as the system, under its own correlation id. */
const bySystem = (origin: Origin): Attribution => ({ actor: SYSTEM, correlationId: origin.id });
/** A placement finished by recovery is still the customer's: its events carry the placement's id where the order keeps it. */
const forPlacement = (order: OrderRow, origin: Origin): Attribution => ({ actor: SYSTEM, correlationId: order.correlation_id ?? origin.id });

/** Beyond the longest call: what a placement still alive may need to write its answer. */
const STALE_MARGIN_MS = 5_000;

/**
 * Settles orders a shop left in an in-between state when it died (or lost its database) mid-call: `paying` or
 * `refunding` for longer than any call to the provider can take. It asks the provider again with the very same call
 * (same idempotency key, same parameters): the provider answers what the first call did (its saved answer), or does it
 * now if the first never arrived. The answer is then settled as the placement or the cancel would have: a charge
 * taken → pending_payment (orders.created), and paid at once (orders.paid) when it says succeeded, since its webhook
 * may have been given up while the shop was down; a decline or no answer → discarded (a payment that succeeds later anyway
 * is refunded by its webhook, as for any compensated placement); a refund made → cancelled, none → paid again. With the
 * circuit open the order is left for a later round. Runs at start-up, every `intervalMs`, and for a customer's
 * placement that waits on one of these orders. Several shops on one database are safe: each claim moves the order's
 * provider_call_at, so one process settles it at a time.
 */
export class ProviderRecovery {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private log?: FastifyBaseLogger;

  constructor(
    private readonly pool: Pool,
    private readonly payments: Payments,
    private readonly intervalMs: number,
  ) {}

  /** How old a call must be before recovery takes its order over. */
  get staleAfterMs(): number {
    return this.payments.policy.maxCallMs + STALE_MARGIN_MS;
  }

  start(log: FastifyBaseLogger): void {
    this.log = log;
    const round = () => {
      this.running ??= this.settleStale()
        .catch((error: unknown) => log.warn({ err: error }, 'recovery of in-flight provider calls failed; trying again later'))
        .finally(() => (this.running = undefined));
    };
    round();
    this.timer = setInterval(round, this.intervalMs);
    this.timer.unref();
  }

  /** No new rounds. A round mid-call is not waited for: its order stays claimed, and the next shop settles it. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
  }

  /** Every order stale in paying or refunding, one at a time (the provider is not to be flooded after an outage). */
  async settleStale(): Promise<void> {
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT id FROM orders WHERE status IN ('paying', 'refunding') AND provider_call_at < now() - make_interval(secs => $1)
        ORDER BY provider_call_at`,
      [this.staleAfterMs / 1000],
    );
    for (const { id } of rows) await this.settleIfStale(id);
  }

  /**
   * Settles the order if it is stale in paying or refunding and no other process claimed it first; else nothing.
   * 'left': it was stale, but the circuit is open, so it stays as it is for a later round.
   */
  async settleIfStale(orderId: string): Promise<'settled' | 'not stale' | 'left'> {
    const { rows } = await this.pool.query<OrderRow>(
      `UPDATE orders SET provider_call_at = now()
        WHERE id = $1 AND status IN ('paying', 'refunding') AND provider_call_at < now() - make_interval(secs => $2)
        RETURNING *`,
      [orderId, this.staleAfterMs / 1000],
    );
    const order = rows[0];
    if (!order) return 'not stale';
    const origin = this.origin();
    origin.log.warn({ orderId, status: order.status, since: order.provider_call_at }, 'recovering an order left mid-call');
    const settled = order.status === 'paying' ? await this.settlePaying(order, origin) : await this.settleRefunding(order, origin);
    return settled ? 'settled' : 'left';
  }

  /** False when the circuit is open and the order is left as it is. */
  private async settlePaying(order: OrderRow, origin: Origin): Promise<boolean> {
    const charge = await this.payments.charge(
      { orderId: order.id, amountCents: toCents(order.total), paymentMethod: order.payment_method ?? '', correlationId: order.correlation_id },
      origin,
    );
    if (!charge.ok && charge.error.statusCode === 503) {
      origin.log.warn({ orderId: order.id }, 'recovery left the order paying: the payment provider circuit is open');
      return false;
    }
    const outcome = await withTransaction(this.pool, async (client) => {
      // Succeeded: its webhook may have been given up while the shop was down, so the answer makes it paid too.
      if (charge.ok && charge.status === 'succeeded') {
        const row = await findOrderRow(client, order.id, { lock: true });
        if (row?.status !== 'paying') return 'already';
        await payPayingOrder(client, row, { id: charge.intentId, amount: toCents(row.total) }, forPlacement(order, origin));
        return 'paid';
      }
      return (await settleCharge(client, order.id, charge, forPlacement(order, origin))).outcome;
    });
    origin.log.info({ orderId: order.id, outcome, charge: charge.ok ? charge.status : charge.error.code }, 'recovered a placement');
    return true;
  }

  /** False when the circuit is open and the order is left as it is. */
  private async settleRefunding(order: OrderRow, origin: Origin): Promise<boolean> {
    let refunded = true;
    try {
      await this.payments.refund(order.payment_intent_id!, order.id, origin);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 503) {
        origin.log.warn({ orderId: order.id }, 'recovery left the order refunding: the payment provider circuit is open');
        return false;
      }
      refunded = false;
    }
    await withTransaction(this.pool, (client) => settleRefund(client, order.id, refunded, bySystem(origin)));
    origin.log.info({ orderId: order.id, refunded }, 'recovered a cancel');
    return true;
  }

  /** Recovery's own correlation id for the events it writes; its log lines say so. */
  private origin(): Origin {
    const id = randomUUID();
    const log = (this.log ?? console) as FastifyBaseLogger;
    return { id, log: typeof log.child === 'function' ? log.child({ reqId: id, recovery: true }) : log };
  }
}
