import { COUNTRIES, type ShippingAddress } from '../services/addresses';
import type { Cart } from '../services/cart';
import type { Order } from '../services/orders';
import type { User } from '../services/users';
import { namedValues, formatPrice, inputField, selectField, statusLabel } from './components';
import { html, type SafeHtml } from './html';
import { errorAlert, layout } from './layout';

const COUNTRY_NAMES: Record<(typeof COUNTRIES)[number], string> = {
  US: 'United States',
  CA: 'Canada',
  GB: 'United Kingdom',
  DE: 'Germany',
  FR: 'France',
  NL: 'Netherlands',
};

/** The amounts of a cart: `$12.34` each; the discount `$0.00` without one, shipping `Not set` until there is an address. */
function cartAmounts(cart: Cart): SafeHtml {
  return namedValues('cart', [
    ['Subtotal', formatPrice(cart.subtotal)],
    ['Discount', formatPrice(cart.discount?.amount ?? 0)],
    ['Shipping', cart.shipping ? formatPrice(cart.shipping.cost) : 'Not set'],
    ['Total', formatPrice(cart.total)],
  ]);
}

function cartItemsTable(cart: Cart): SafeHtml {
  return html`<table aria-label="Cart items">
    <thead><tr><th scope="col">Product</th><th scope="col">Unit price</th><th scope="col">Quantity</th><th scope="col">Line total</th><td></td></tr></thead>
    <tbody>
      ${cart.items.map(
        (item) => html`<tr>
        <th scope="row"><a href="/products/${item.productId}">${item.name}</a></th>
        <td>${formatPrice(item.unitPrice)}</td>
        <td>
          <form method="post" action="/cart/items/${item.productId}" novalidate>
            ${inputField({ id: `quantity-${item.productId}`, name: 'quantity', label: 'Quantity', type: 'number', value: String(item.quantity), attributes: html` min="1" max="99" step="1"` })}
            <button type="submit">Update</button>
          </form>
        </td>
        <td>${formatPrice(item.lineTotal)}</td>
        <td>
          <form method="post" action="/cart/items/${item.productId}/remove">
            <button type="submit">Remove</button>
          </form>
        </td>
      </tr>`,
      )}
    </tbody>
  </table>`;
}

function discountForm(cart: Cart, code: string | undefined): SafeHtml {
  return html`<form method="post" action="/cart/discount" aria-label="Discount code" novalidate>
      ${inputField({ id: 'code', label: 'Discount code', type: 'text', value: code ?? '' })}
      <button type="submit">Apply discount</button>
    </form>
    ${cart.discount &&
    html`<p>Code ${cart.discount.code} applied.</p>
    <form method="post" action="/cart/discount/remove"><button type="submit">Remove discount</button></form>`}`;
}

/** The address form; `values` are the saved address or the rejected submission. */
function addressForm(values: Partial<Record<keyof ShippingAddress, string | null>>): SafeHtml {
  const text = (id: keyof ShippingAddress, label: string, autocomplete: string) =>
    inputField({ id, label, type: 'text', value: values[id] ?? '', autocomplete });
  const countries: [string, string][] = COUNTRIES.map((code) => [code, COUNTRY_NAMES[code]]);
  return html`<form method="post" action="/cart/shipping-address" aria-label="Shipping address" novalidate>
      ${text('name', 'Full name', 'name')}
      ${text('line1', 'Address line 1', 'address-line1')}
      ${text('line2', 'Address line 2', 'address-line2')}
      ${text('city', 'City', 'address-level2')}
      ${text('postalCode', 'Postal code', 'postal-code')}
      ${selectField('country', 'Country', values.country ?? 'US', countries)}
      <button type="submit">Save address</button>
    </form>`;
}

export interface CartPageView {
  user: User;
  cart: Cart;
  errors: string[];
  /** A rejected submission, shown again instead of the saved values. */
  form?: { code?: string; address?: Record<string, string | undefined> };
}

export function cartPage({ user, cart, errors, form }: CartPageView): string {
  const body =
    cart.items.length === 0
      ? html`<p>Your cart is empty.</p>
    <p><a href="/products">Browse the catalog</a></p>`
      : html`${cartItemsTable(cart)}
    ${cartAmounts(cart)}
    <h2>Discount</h2>
    ${discountForm(cart, form?.code)}
    <h2>Shipping</h2>
    ${addressForm(form?.address ?? cart.shipping?.address ?? {})}
    ${cart.shipping && html`<p><a href="/checkout">Checkout</a></p>`}`;
  return layout({
    title: 'Your cart',
    user,
    body: html`<h1>Your cart</h1>
    ${errorAlert(errors)}
    ${body}`,
  });
}

/** The test payment methods the provider knows; a programmed method's id goes in the text field. */
const PAYMENT_METHODS: [string, string][] = [
  ['pm_card_visa', 'Visa (succeeds)'],
  ['pm_card_chargeDeclined', 'Declined card'],
  ['pm_card_chargeDeclinedInsufficientFunds', 'Insufficient funds'],
];

export interface CheckoutPageView {
  user: User;
  cart: Cart;
  errors: string[];
  /** Sent with the payment as Idempotency-Key, so submitting the page twice places one order. */
  idempotencyKey: string;
  paymentMethod?: string;
  paymentMethodId?: string;
}

export function checkoutPage(view: CheckoutPageView): string {
  const { cart } = view;
  return layout({
    title: 'Checkout',
    user: view.user,
    body: html`<h1>Checkout</h1>
    ${errorAlert(view.errors)}
    <h2>Order summary</h2>
    <table aria-label="Order summary">
      <thead><tr><th scope="col">Product</th><th scope="col">Quantity</th><th scope="col">Line total</th></tr></thead>
      <tbody>
        ${cart.items.map((item) => html`<tr><th scope="row">${item.name}</th><td>${item.quantity}</td><td>${formatPrice(item.lineTotal)}</td></tr>`)}
      </tbody>
    </table>
    ${cartAmounts(cart)}
    ${cart.shipping && html`<p>Shipping to ${cart.shipping.address.name}, ${cart.shipping.address.city} (${cart.shipping.address.country})</p>`}
    <form method="post" action="/checkout" aria-label="Payment" novalidate>
      <input type="hidden" name="idempotencyKey" value="${view.idempotencyKey}">
      ${selectField('paymentMethod', 'Payment method', view.paymentMethod, PAYMENT_METHODS)}
      ${inputField({ id: 'paymentMethodId', label: 'Payment method id', type: 'text', value: view.paymentMethodId })}
      <button type="submit">Pay now</button>
    </form>`,
  });
}

export function ordersPage(user: User, orders: Order[]): string {
  const list =
    orders.length === 0
      ? html`<p>You have no orders yet.</p>`
      : html`<ul aria-label="Orders">
      ${orders.map(
        (order) => html`<li>
        <a href="/orders/${order.id}">Order ${order.id}</a>
        <span>${statusLabel(order.status)}</span>
        <span>${formatPrice(order.total)}</span>
        <span>${new Date(order.createdAt).toUTCString()}</span>
      </li>`,
      )}
    </ul>`;
  return layout({ title: 'Your orders', user, body: html`<h1>Your orders</h1>${list}` });
}

export function orderPage(user: User, order: Order): string {
  const address = order.shippingAddress;
  return layout({
    title: `Order ${order.id}`,
    user,
    // While the payment is pending the page reloads itself, so it shows `Paid` once the webhook has arrived.
    // Until the provider has settled it: paying and refunding last one provider call, pending_payment until the webhook.
    refreshSeconds: ['paying', 'pending_payment', 'refunding'].includes(order.status) ? 2 : undefined,
    body: html`<h1>Order ${order.id}</h1>
    <p><span id="order-status-label">Order status</span>: <strong role="status" aria-labelledby="order-status-label">${statusLabel(order.status)}</strong></p>
    <table aria-label="Order items">
      <thead><tr><th scope="col">Product</th><th scope="col">Unit price</th><th scope="col">Quantity</th><th scope="col">Line total</th></tr></thead>
      <tbody>
        ${order.items.map(
          (item) =>
            html`<tr><th scope="row"><a href="/products/${item.productId}">${item.name}</a></th><td>${formatPrice(item.unitPrice)}</td><td>${item.quantity}</td><td>${formatPrice(item.lineTotal)}</td></tr>`,
        )}
      </tbody>
    </table>
    ${namedValues('order', [
      ['Subtotal', formatPrice(order.subtotal)],
      ['Discount', formatPrice(order.discountTotal)],
      ['Shipping', formatPrice(order.shippingCost)],
      ['Total', formatPrice(order.total)],
    ])}
    ${order.carrier &&
    namedValues('shipment', [
      ['Carrier', order.carrier],
      ['Tracking number', order.trackingNumber ?? ''],
    ])}
    <h2>Shipping address</h2>
    <p>${address.name}<br>${address.line1}<br>${address.line2 && html`${address.line2}<br>`}${address.postalCode} ${address.city}<br>${COUNTRY_NAMES[address.country]}</p>`,
  });
}
