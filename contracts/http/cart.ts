import { Type, type Static } from 'typebox';
import { Currency, errorMessage, Money, orNull, ref, strict, Uuid } from './common';

/** The customer's own cart and shipping address (docs/API.md, "Cart"). */

export const COUNTRIES = ['US', 'CA', 'GB', 'DE', 'FR', 'NL'] as const;

export const Country = Type.Enum([...COUNTRIES], { $id: 'Country', title: 'Country', description: 'ISO 3166 alpha-2' });
export type Country = Static<typeof Country>;

/** A line of a cart or an order. */
export const LineItem = Type.Object(
  {
    productId: Uuid,
    name: Type.String({ description: "The product's name (in an order: when it was placed)" }),
    unitPrice: Money,
    quantity: Type.Integer({ minimum: 1, maximum: 99 }),
    lineTotal: Money,
  },
  { $id: 'LineItem', title: 'LineItem', ...strict },
);
export type LineItem = Static<typeof LineItem>;

/** An address as the shop stores and shows it: trimmed, country and postal code upper-cased. */
export const ShippingAddress = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    line1: Type.String({ minLength: 1, maxLength: 100 }),
    line2: orNull(Type.String({ minLength: 1, maxLength: 100, description: 'null when absent or empty' })),
    city: Type.String({ minLength: 1, maxLength: 100 }),
    postalCode: Type.String({ minLength: 1, maxLength: 20 }),
    country: ref(Country),
  },
  { $id: 'ShippingAddress', title: 'ShippingAddress', ...strict },
);
export type ShippingAddress = Static<typeof ShippingAddress>;

const line = Type.String({ description: '1–100 characters after trimming, one line' });

export const NewShippingAddress = Type.Object(
  {
    name: line,
    line1: line,
    line2: Type.Optional(orNull(Type.String({ description: 'Optional; null or "" is none, else like line1' }))),
    city: line,
    postalCode: Type.String({
      description:
        "In the country's format: US 12345 or 12345-6789, CA A1A 1A1, GB a UK postcode, DE and FR 5 digits, NL 1234 AB",
    }),
    country: Type.String({
      description: `One of ${COUNTRIES.join(', ')}, in any case`,
      ...errorMessage(`must be one of ${COUNTRIES.join(', ')}`),
    }),
  },
  { $id: 'NewShippingAddress', title: 'NewShippingAddress' },
);
export type NewShippingAddress = Static<typeof NewShippingAddress>;

export const Cart = Type.Object(
  {
    items: Type.Array(ref(LineItem), { description: 'In the order they were first added' }),
    subtotal: Money,
    discount: Type.Union([Type.Object({ code: Type.String(), amount: Money }, strict), Type.Null()], {
      description: 'null without a code, or while the code does not apply',
    }),
    shipping: Type.Union([Type.Object({ address: ref(ShippingAddress), cost: Money }, strict), Type.Null()], {
      description: 'null until an address is set',
    }),
    total: Type.Number({ description: 'subtotal - discount.amount + shipping.cost, in US dollars' }),
    currency: Currency,
  },
  { $id: 'Cart', title: 'Cart', ...strict },
);
export type Cart = Static<typeof Cart>;

const quantity = Type.Integer({ minimum: 1, maximum: 99, ...errorMessage('must be an integer from 1 to 99') });

export const NewCartItem = Type.Object(
  { productId: Type.String({ description: 'An existing product (else 400 INVALID_PRODUCT)' }), quantity },
  { $id: 'NewCartItem', title: 'NewCartItem', description: 'Adds to the quantity already in the cart' },
);
export type NewCartItem = Static<typeof NewCartItem>;

export const CartItemChange = Type.Object({ quantity }, { $id: 'CartItemChange', title: 'CartItemChange' });
export type CartItemChange = Static<typeof CartItemChange>;

export const CartDiscount = Type.Object(
  { code: Type.String({ pattern: '\\S', ...errorMessage('must not be empty'), description: 'Matched case-insensitively' }) },
  { $id: 'CartDiscount', title: 'CartDiscount' },
);
export type CartDiscount = Static<typeof CartDiscount>;

export const CartItemParams = Type.Object({
  productId: Type.String({ description: "The product's id; one that is not in the cart is a 404" }),
});
