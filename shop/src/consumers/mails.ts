import type {
  OrderPaidPayload,
  OrderPaymentFailedPayload,
  OrderShippedPayload,
  UserDeletedPayload,
  UserRegisteredPayload,
} from '../events';
import { formatCents, toCents } from '../money';
import type { Order } from '../services/orders';
import { html } from '../web/html';

/** A mail's subject and its text and HTML parts. */
export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

const dollars = (amount: number): string => formatCents(toCents(amount));

export function welcomeMail(payload: UserRegisteredPayload, publicUrl: string): MailContent {
  const catalogUrl = `${publicUrl}/products`;
  return {
    subject: `Welcome to Event Shop, ${payload.name}`,
    text: `Hi ${payload.name},\n\nYour Event Shop account for ${payload.email} is ready.\nBrowse the catalog: ${catalogUrl}\n\nEvent Shop\n`,
    html: html`<p>Hi ${payload.name},</p>
<p>Your Event Shop account for ${payload.email} is ready.</p>
<p><a href="${catalogUrl}">Browse the catalog</a></p>
<p>Event Shop</p>`.value,
  };
}

/** The confirmation once the payment is in: the order id, each item and the amounts. */
export function orderConfirmationMail(
  customer: { name: string },
  order: Order,
  payment: OrderPaidPayload,
  publicUrl: string,
): MailContent {
  const orderUrl = `${publicUrl}/orders/${order.id}`;
  const items = order.items.map(
    (item) => `${item.quantity} × ${item.name} at ${dollars(item.unitPrice)} = ${dollars(item.lineTotal)}`,
  );
  const amounts: [string, string][] = [
    ['Subtotal', dollars(order.subtotal)],
    ...(order.discountTotal > 0 ? [[`Discount (${order.discountCode})`, `-${dollars(order.discountTotal)}`] as [string, string]] : []),
    ['Shipping', dollars(order.shippingCost)],
    ['Total', dollars(order.total)],
  ];
  return {
    subject: `Order ${order.id} confirmed`,
    text: [
      `Hi ${customer.name},`,
      '',
      `Thank you for your order ${order.id}. We have received your payment of ${dollars(payment.amount)}.`,
      '',
      'Items:',
      ...items.map((item) => `- ${item}`),
      '',
      ...amounts.map(([label, value]) => `${label}: ${value}`),
      '',
      `Your order: ${orderUrl}`,
      '',
      'Event Shop',
      '',
    ].join('\n'),
    html: html`<p>Hi ${customer.name},</p>
<p>Thank you for your order ${order.id}. We have received your payment of ${dollars(payment.amount)}.</p>
<ul>${items.map((item) => html`<li>${item}</li>`)}</ul>
<p>${amounts.map(([label, value]) => html`${label}: ${value}<br>`)}</p>
<p><a href="${orderUrl}">Your order</a></p>
<p>Event Shop</p>`.value,
  };
}

export function orderShippedMail(customer: { name: string }, shipment: OrderShippedPayload, publicUrl: string): MailContent {
  const orderUrl = `${publicUrl}/orders/${shipment.orderId}`;
  return {
    subject: `Your order ${shipment.orderId} has shipped`,
    text: `Hi ${customer.name},\n\nYour order ${shipment.orderId} is on its way.\nCarrier: ${shipment.carrier}\nTracking number: ${shipment.trackingNumber}\n\nYour order: ${orderUrl}\n\nEvent Shop\n`,
    html: html`<p>Hi ${customer.name},</p>
<p>Your order ${shipment.orderId} is on its way.</p>
<p>Carrier: ${shipment.carrier}<br>Tracking number: ${shipment.trackingNumber}</p>
<p><a href="${orderUrl}">Your order</a></p>
<p>Event Shop</p>`.value,
  };
}

/** After a paid order was cancelled and its payment refunded in full through the provider: how much, and where. */
export function refundMail(customer: { name: string }, refund: { orderId: string; amount: number }, publicUrl: string): MailContent {
  const orderUrl = `${publicUrl}/orders/${refund.orderId}`;
  const amount = dollars(refund.amount);
  return {
    subject: `Refund of ${amount} for order ${refund.orderId}`,
    text: `Hi ${customer.name},\n\nYour order ${refund.orderId} has been cancelled and your payment of ${amount} has been refunded to the card you paid with.\nIt may take a few days to show on your statement.\n\nYour order: ${orderUrl}\n\nEvent Shop\n`,
    html: html`<p>Hi ${customer.name},</p>
<p>Your order ${refund.orderId} has been cancelled and your payment of ${amount} has been refunded to the card you paid with.</p>
<p>It may take a few days to show on your statement.</p>
<p><a href="${orderUrl}">Your order</a></p>
<p>Event Shop</p>`.value,
  };
}

export function paymentFailedMail(customer: { name: string }, failure: OrderPaymentFailedPayload, publicUrl: string): MailContent {
  const catalogUrl = `${publicUrl}/products`;
  return {
    subject: `Payment failed for order ${failure.orderId}`,
    text: `Hi ${customer.name},\n\nThe payment for your order ${failure.orderId} failed: ${failure.reason}\nThe order has been cancelled and nothing was charged.\nYou are welcome to order again: ${catalogUrl}\n\nEvent Shop\n`,
    html: html`<p>Hi ${customer.name},</p>
<p>The payment for your order ${failure.orderId} failed: ${failure.reason}</p>
<p>The order has been cancelled and nothing was charged.</p>
<p><a href="${catalogUrl}">Order again</a></p>
<p>Event Shop</p>`.value,
  };
}

/**
 * An address with its local part hidden but its first character: the old mailbox learns where mail goes now without
 * being handed the address whole (it may no longer be the user's own, a former employer's say).
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}

/** To the old address, when the email changed. */
export function emailChangedMail(change: { name: string; before: string; after: string }, publicUrl: string): MailContent {
  const loginUrl = `${publicUrl}/login`;
  const masked = maskEmail(change.after);
  return {
    subject: 'Your Event Shop email was changed',
    text: `Hi ${change.name},\n\nThe email address of your Event Shop account was changed from ${change.before} to ${masked}.\nMail about your account and your orders now goes to the new address.\nIf you did not make this change, log in and change it back, or write to us at once: ${loginUrl}\n\nEvent Shop\n`,
    html: html`<p>Hi ${change.name},</p>
<p>The email address of your Event Shop account was changed from ${change.before} to ${masked}.</p>
<p>Mail about your account and your orders now goes to the new address.</p>
<p>If you did not make this change, <a href="${loginUrl}">log in</a> and change it back, or write to us at once.</p>
<p>Event Shop</p>`.value,
  };
}

/** To the user, when the password changed (every session was logged out with it). */
export function passwordChangedMail(user: { name: string }, publicUrl: string): MailContent {
  const loginUrl = `${publicUrl}/login`;
  return {
    subject: 'Your Event Shop password was changed',
    text: `Hi ${user.name},\n\nThe password of your Event Shop account was changed, and every session was logged out.\nLog in with the new password: ${loginUrl}\nIf you did not make this change, write to us at once.\n\nEvent Shop\n`,
    html: html`<p>Hi ${user.name},</p>
<p>The password of your Event Shop account was changed, and every session was logged out.</p>
<p><a href="${loginUrl}">Log in with the new password</a></p>
<p>If you did not make this change, write to us at once.</p>
<p>Event Shop</p>`.value,
  };
}

/** To the address the account had, once it is deleted. */
export function accountDeletedMail(account: { name: string; email: string }, deletion: UserDeletedPayload, publicUrl: string): MailContent {
  const when = deletion.deletedAt.slice(0, 10);
  return {
    subject: 'Your Event Shop account was deleted',
    text: `Hi ${account.name},\n\nYour Event Shop account for ${account.email} was deleted on ${when}. You can no longer log in with it.\nYou are welcome to register again at any time: ${publicUrl}/register\nIf you did not ask for this, write to us at once.\n\nEvent Shop\n`,
    html: html`<p>Hi ${account.name},</p>
<p>Your Event Shop account for ${account.email} was deleted on ${when}. You can no longer log in with it.</p>
<p>You are welcome to <a href="${publicUrl}/register">register again</a> at any time.</p>
<p>If you did not ask for this, write to us at once.</p>
<p>Event Shop</p>`.value,
  };
}
