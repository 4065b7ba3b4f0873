import { fromCents } from '../money';
import type { ShippingAddress } from './addresses';
import { discountCents, whyNotApplicable, type DiscountRow } from './discounts';

/** Shipping costs in cents (SHIPPING_FLAT_RATE, SHIPPING_INTERNATIONAL_RATE, FREE_SHIPPING_OVER). */
export interface ShippingRates {
  flatRateCents: number;
  internationalRateCents: number;
  freeOverCents: number;
}

export interface PricedLine {
  productId: string;
  name: string;
  unitPriceCents: number;
  quantity: number;
}

export interface Pricing {
  subtotalCents: number;
  /** The code that applies now, if any: a stored code that expired or needs a larger subtotal gives nothing. */
  discount: { code: string; cents: number } | null;
  /** null until there is an address to ship to. */
  shippingCents: number | null;
  totalCents: number;
}

/** US addresses pay the flat rate unless the discounted subtotal reaches the free-shipping threshold; others pay the international rate. */
export function shippingCents(address: ShippingAddress, discountedSubtotalCents: number, rates: ShippingRates): number {
  if (address.country !== 'US') return rates.internationalRateCents;
  return discountedSubtotalCents >= rates.freeOverCents ? 0 : rates.flatRateCents;
}

/** total = subtotal - discount + shipping, all in cents. */
export function price(
  lines: PricedLine[],
  discountRow: DiscountRow | undefined,
  address: ShippingAddress | null,
  rates: ShippingRates,
): Pricing {
  const subtotalCents = lines.reduce((sum, line) => sum + line.unitPriceCents * line.quantity, 0);
  const discount =
    discountRow && !whyNotApplicable(discountRow, subtotalCents)
      ? { code: discountRow.code, cents: discountCents(discountRow, subtotalCents) }
      : null;
  const discounted = subtotalCents - (discount?.cents ?? 0);
  const shipping = address ? shippingCents(address, discounted, rates) : null;
  return { subtotalCents, discount, shippingCents: shipping, totalCents: discounted + (shipping ?? 0) };
}

/** An item as the cart and the order show it: money in dollars. */
export function lineView(line: PricedLine) {
  return {
    productId: line.productId,
    name: line.name,
    unitPrice: fromCents(line.unitPriceCents),
    quantity: line.quantity,
    lineTotal: fromCents(line.unitPriceCents * line.quantity),
  };
}
