import type { Order } from '../services/orders';
import type { OrderStatus } from '../services/orderTransitions';
import type { User } from '../services/users';
import { formatPrice, inputField, selectField, statusLabel, statusOptions } from './components';
import { html, type SafeHtml } from './html';
import { errorAlert, layout } from './layout';

/** An order row with the customer's email (null once the customer was deleted). */
export interface AdminOrder {
  order: Order;
  customerEmail: string | null;
}

/** What the row offers, by status: ship a paid order, mark a shipped one delivered. */
function actions({ order }: AdminOrder, filter: string): SafeHtml | undefined {
  if (order.status === 'paid') {
    return html`<form method="post" action="/admin/orders/${order.id}/ship" aria-label="Ship order ${order.id}" novalidate>
      <input type="hidden" name="filter" value="${filter}">
      ${inputField({ id: `carrier-${order.id}`, name: 'carrier', label: 'Carrier', type: 'text' })}
      ${inputField({ id: `tracking-${order.id}`, name: 'trackingNumber', label: 'Tracking number', type: 'text' })}
      <button type="submit">Ship</button>
    </form>`;
  }
  if (order.status === 'shipped') {
    return html`<form method="post" action="/admin/orders/${order.id}/deliver">
      <input type="hidden" name="filter" value="${filter}">
      <button type="submit">Mark delivered</button>
    </form>`;
  }
  return undefined;
}

export interface AdminOrdersView {
  admin: User;
  orders: AdminOrder[];
  status?: OrderStatus;
  /** `Order <id> shipped` after an action. */
  notice?: string;
  errors: string[];
}

export function adminOrdersPage(view: AdminOrdersView): string {
  return layout({
    title: 'Orders',
    user: view.admin,
    body: html`<h1>Orders</h1>
    ${view.notice && html`<p role="status">${view.notice}</p>`}
    ${errorAlert(view.errors)}
    <form class="filters" method="get" action="/admin/orders" aria-label="Filter orders">
      ${selectField('status', 'Status', view.status, [['', 'All statuses'], ...statusOptions()])}
      <button type="submit">Filter</button>
    </form>
    <table aria-label="Orders">
      <thead><tr><th scope="col">Order</th><th scope="col">Customer</th><th scope="col">Status</th><th scope="col">Total</th><td></td></tr></thead>
      <tbody>
        ${view.orders.map(
          (row) => html`<tr>
          <th scope="row"><a href="/orders/${row.order.id}">${row.order.id}</a></th>
          <td>${row.customerEmail ?? '(deleted customer)'}</td>
          <td>${statusLabel(row.order.status)}</td>
          <td>${formatPrice(row.order.total)}</td>
          <td>${actions(row, view.status ?? '')}</td>
        </tr>`,
        )}
      </tbody>
    </table>`,
  });
}

export function forbiddenPage(user: User | undefined): string {
  return layout({
    title: 'Forbidden',
    user,
    body: html`<h1>Forbidden</h1>
    <p>This page is for administrators.</p>`,
  });
}
