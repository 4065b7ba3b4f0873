import type { PoolClient } from 'pg';
import { changesBetween, recordAudit, type Attribution } from './auditLog';
import type { OrderState } from './orderTransitions';

/*
 * The audit entries of orders (docs/API.md, "Audit log"): a move's, written by writeMove in orderTransitions.ts, and
 * a refund's made outside a move. Each on the client of the change's own transaction.
 */

/** The columns a move can change, by the name the audit log gives them (the API's; provider_call_at is internal). */
const AUDITED_COLUMNS = {
  status: 'status',
  paid_at: 'paidAt',
  shipped_at: 'shippedAt',
  delivered_at: 'deliveredAt',
  cancelled_at: 'cancelledAt',
  cancel_reason: 'cancelReason',
  payment_intent_id: 'paymentIntentId',
  payment_status: 'paymentStatus',
  carrier: 'carrier',
  tracking_number: 'trackingNumber',
  refunded_at: 'refundedAt',
} as const;
type AuditedColumn = keyof typeof AUDITED_COLUMNS;
type AuditedField = (typeof AUDITED_COLUMNS)[AuditedColumn];

const isAudited = (column: string): column is AuditedColumn => column in AUDITED_COLUMNS;

/** The audited columns of an order's row, by their audit names. */
function auditedFields(row: Partial<Record<AuditedColumn, unknown>>): Record<AuditedField, unknown> {
  const fields = {} as Record<AuditedField, unknown>;
  for (const [column, field] of Object.entries(AUDITED_COLUMNS)) fields[field] = row[column as AuditedColumn];
  return fields;
}

/** The audit entry of a status change: the columns the move set that changed (the status always does). */
export async function auditMove(client: PoolClient, by: Attribution, before: OrderState, after: OrderState, columns: string[]) {
  const fields = columns.filter(isAudited).map((column) => AUDITED_COLUMNS[column]);
  const [from, to] = [auditedFields(before), auditedFields(after)];
  await recordAudit(client, by, {
    action: 'order.status_changed',
    entityType: 'order',
    entityId: before.id,
    changes: changesBetween(from, to, fields),
  });
  if (columns.includes('refunded_at')) {
    const changes = changesBetween(from, to, ['paymentStatus', 'refundedAt']);
    await recordAudit(client, by, { action: 'order.refunded', entityType: 'order', entityId: before.id, changes });
  }
}

/**
 * Notes a refund made outside a move (an order no longer refunding, or one the shop fulfils nothing for): refundedAt
 * and the payment's status, with its audit entry. False when the order was refunded already.
 */
export async function markRefunded(client: PoolClient, orderId: string, by: Attribution): Promise<boolean> {
  const { rows } = await client.query<{ before_status: string | null; refunded_at: Date }>(
    `WITH old AS (SELECT id, payment_status FROM orders WHERE id = $1 AND refunded_at IS NULL FOR UPDATE)
     UPDATE orders o SET refunded_at = now(), payment_status = 'refunded' FROM old WHERE o.id = old.id
     RETURNING old.payment_status AS before_status, o.refunded_at`,
    [orderId],
  );
  if (!rows[0]) return false;
  const changes = changesBetween(
    { paymentStatus: rows[0].before_status, refundedAt: null },
    { paymentStatus: 'refunded', refundedAt: rows[0].refunded_at },
    ['paymentStatus', 'refundedAt'],
  );
  await recordAudit(client, by, { action: 'order.refunded', entityType: 'order', entityId: orderId, changes });
  return true;
}
