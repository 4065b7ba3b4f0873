import { invalidStatusTransition } from '../errors';

export const ORDER_STATUSES = ['pending_payment', 'paid', 'shipped', 'delivered', 'cancelled', 'archived'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const isOrderStatus = (value: unknown): value is OrderStatus =>
  (ORDER_STATUSES as readonly unknown[]).includes(value);

/**
 * The order state machine (docs/API.md, "Orders"); archiving, which any status allows when the user is deleted,
 * is not an action on one order and is left out. Who may take a transition is the caller's business.
 */
const NEXT: Record<OrderStatus, readonly OrderStatus[]> = {
  pending_payment: ['paid', 'cancelled'],
  paid: ['shipped', 'cancelled'],
  shipped: ['delivered'],
  delivered: [],
  cancelled: [],
  archived: [],
};

/** `from` null is an order not yet known (the tracking projection before orders.created): only pending_payment follows. */
export function canTransition(from: OrderStatus | null, to: OrderStatus): boolean {
  return from === null ? to === 'pending_payment' : NEXT[from].includes(to);
}

export function assertTransition(from: OrderStatus, to: OrderStatus): void {
  if (!canTransition(from, to)) throw invalidStatusTransition(from, to);
}
