import { formatCents } from '../money';
import type { OrderStatus } from '../services/orderTransitions';
import { html, type SafeHtml } from './html';

/** `$` and two decimals, without thousands separators: 1234.5 → `$1234.50`. */
export const formatPrice = (price: number): string => formatCents(Math.round(price * 100));

export interface FieldOptions {
  id: string;
  label: string;
  type: string;
  value?: string;
  /** The submitted field name when it differs from the id (several rows of one form on a page). */
  name?: string;
  autocomplete?: string;
  /** Further attributes, like a number input's step. */
  attributes?: SafeHtml;
}

export function inputField({ id, label, type, value, name, autocomplete, attributes }: FieldOptions): SafeHtml {
  return html`<div>
      <label for="${id}">${label}</label>
      <input id="${id}" name="${name ?? id}" type="${type}" value="${value ?? ''}"${autocomplete && html` autocomplete="${autocomplete}"`}${attributes}>
    </div>`;
}

export function selectField(id: string, label: string, selected: string | undefined, options: [string, string][]): SafeHtml {
  return html`<div>
      <label for="${id}">${label}</label>
      <select id="${id}" name="${id}">
        ${options.map(([value, text]) => html`<option value="${value}"${value === (selected ?? '') && html` selected`}>${text}</option>`)}
      </select>
    </div>`;
}

/**
 * Label/value pairs as a `<dl>` whose every value is named by its term (aria-labelledby), so a test can read
 * the element named `Total`.
 */
export function namedValues(idPrefix: string, pairs: [label: string, text: string][]): SafeHtml {
  return html`<dl class="amounts">
      ${pairs.map(([label, text]) => {
        const id = `${idPrefix}-${label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
        return html`<dt id="${id}">${label}</dt><dd aria-labelledby="${id}">${text}</dd>`;
      })}
    </dl>`;
}

const STATUS_LABELS: Record<OrderStatus, string> = {
  paying: 'Payment in progress',
  pending_payment: 'Pending payment',
  paid: 'Paid',
  refunding: 'Refund in progress',
  shipped: 'Shipped',
  delivered: 'Delivered',
  cancelled: 'Cancelled',
  archived: 'Archived',
};

export const statusLabel = (status: OrderStatus): string => STATUS_LABELS[status];

export const statusOptions = (): [string, string][] =>
  (Object.entries(STATUS_LABELS) as [OrderStatus, string][]).map(([status, label]) => [status, label]);
