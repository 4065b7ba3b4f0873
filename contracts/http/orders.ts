import { Type, type Static } from 'typebox';
import { LineItem, ShippingAddress } from './cart';
import { Currency, errorMessage, Money, orNull, ref, strict, Timestamp, Uuid } from './common';

/** Orders, from placement to delivery (docs/API.md, "Orders"). */

export const ORDER_STATUSES = [
  'paying',
  'pending_payment',
  'paid',
  'refunding',
  'shipped',
  'delivered',
  'cancelled',
  'archived',
] as const;

export const OrderStatus = Type.Enum([...ORDER_STATUSES], {
  $id: 'OrderStatus',
  title: 'OrderStatus',
  description:
    '`paying` while the provider is being charged (stock reserved, `payment` null), `refunding` while an admin’s cancel ' +
    'of a paid order is being refunded; docs/API.md, "Orders", has the state machine',
});
export type OrderStatus = Static<typeof OrderStatus>;

export const Order = Type.Object(
  {
    id: Uuid,
    userId: orNull(Type.String({ format: 'uuid', description: 'null once the customer was deleted (the order is archived)' })),
    status: ref(OrderStatus),
    items: Type.Array(ref(LineItem), { minItems: 1 }),
    subtotal: Money,
    discountTotal: Money,
    discountCode: orNull(Type.String()),
    shippingCost: Money,
    total: Type.Number({ description: 'subtotal - discountTotal + shippingCost, in US dollars' }),
    currency: Currency,
    shippingAddress: ref(ShippingAddress),
    payment: Type.Union(
      [
        Type.Object(
          {
            intentId: Type.String({ description: "The provider's PaymentIntent id" }),
            status: Type.String({
              description: '`succeeded` or `processing` at placement, then `succeeded`, `failed` or `refunded`',
            }),
          },
          strict,
        ),
        Type.Null(),
      ],
      { description: 'null while the provider is being called' },
    ),
    carrier: orNull(Type.String()),
    trackingNumber: orNull(Type.String()),
    createdAt: Timestamp,
    paidAt: orNull(Timestamp),
    shippedAt: orNull(Timestamp),
    deliveredAt: orNull(Timestamp),
    cancelledAt: orNull(Timestamp),
    cancelReason: Type.Union([Type.Enum(['customer_request', 'admin_request', 'payment_failed']), Type.Null()], {
      description: 'Who or what cancelled it: the owner, an admin, or the payment_failed webhook',
    }),
    refundedAt: orNull(Type.String({ format: 'date-time', description: 'When the shop refunded the payment' })),
  },
  { $id: 'Order', title: 'Order', ...strict },
);
export type Order = Static<typeof Order>;

export const OrderList = Type.Object(
  { data: Type.Array(ref(Order), { description: 'Newest first, not paged' }) },
  { $id: 'OrderList', title: 'OrderList', ...strict },
);
export type OrderList = Static<typeof OrderList>;

export const OrderHistoryEntry = Type.Object(
  { status: ref(OrderStatus), eventId: Uuid, occurredAt: Timestamp },
  { $id: 'OrderHistoryEntry', title: 'OrderHistoryEntry', ...strict },
);
export type OrderHistoryEntry = Static<typeof OrderHistoryEntry>;

export const OrderHistory = Type.Object(
  {
    data: Type.Array(ref(OrderHistoryEntry), {
      description: "Oldest first, from the order-tracking projection, which follows the order a moment later",
    }),
  },
  { $id: 'OrderHistory', title: 'OrderHistory', ...strict },
);
export type OrderHistory = Static<typeof OrderHistory>;

export const NewOrder = Type.Object(
  {
    paymentMethod: Type.String({
      description: "The provider's payment method id, e.g. pm_card_visa; 1–255 characters after trimming",
    }),
  },
  { $id: 'NewOrder', title: 'NewOrder', description: 'Places the order from the cart and pays it' },
);
export type NewOrder = Static<typeof NewOrder>;

export const NewOrderHeaders = Type.Object({
  'Idempotency-Key': Type.Optional(
    Type.String({
      pattern: '^[\\x21-\\x7e]{1,255}$',
      description: "Per customer: the same key again answers the order it placed (200), charged once",
      ...errorMessage('must be 1–255 visible ASCII characters, given once'),
    }),
  ),
});

export const Shipment = Type.Object(
  {
    carrier: Type.String({ description: '1–64 characters after trimming, one line' }),
    trackingNumber: Type.String({ description: '1–64 characters after trimming, one line' }),
  },
  { $id: 'Shipment', title: 'Shipment' },
);
export type Shipment = Static<typeof Shipment>;

/** An admin's filters; a customer always gets their own orders (their userId is ignored). Values as in ProductQuery. */
export const OrderQuery = Type.Object(
  {
    status: Type.Optional(ref(OrderStatus)),
    userId: Type.Optional(
      Type.String({
        pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
        ...errorMessage('must be a UUID'),
      }),
    ),
  },
  { $id: 'OrderQuery', title: 'OrderQuery' },
);
export type OrderQuery = Static<typeof OrderQuery>;

export const OrderParams = Type.Object({
  id: Type.String({ description: "The order's id (a UUID); an unknown or malformed id, or another customer's order, is a 404" }),
});
