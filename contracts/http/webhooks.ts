import { Type, type Static } from 'typebox';
import { strict } from './common';

/** The payment provider's webhooks (docs/API.md, "Payment webhooks"). */

/**
 * What the shop reads of a provider event. The route takes the raw bytes, whatever their Content-Type: the
 * signature covers them exactly, so nothing is validated before it verifies.
 */
export const PaymentEvent = Type.Object(
  {
    id: Type.String({ description: 'Recorded: an event seen before changes nothing' }),
    type: Type.String({
      description: '`payment_intent.succeeded` and `payment_intent.payment_failed` are acted on; others are recorded and ignored',
    }),
    data: Type.Object({
      object: Type.Object(
        {
          id: Type.Optional(Type.String({ description: 'The PaymentIntent id' })),
          amount: Type.Optional(Type.Integer({ description: "Cents: a success must carry the order's total" })),
          currency: Type.Optional(Type.String({ description: 'A success must be in `usd`' })),
          metadata: Type.Optional(Type.Object({ orderId: Type.Optional(Type.String()) })),
          last_payment_error: Type.Optional(
            Type.Union([
              Type.Object({
                message: Type.Optional(Type.String()),
                decline_code: Type.Optional(Type.String()),
                code: Type.Optional(Type.String()),
              }),
              Type.Null(),
            ]),
          ),
        },
        { description: 'The PaymentIntent' },
      ),
    }),
  },
  { $id: 'PaymentEvent', title: 'PaymentEvent', description: 'A Stripe event, signed in the Stripe-Signature header' },
);
export type PaymentEvent = Static<typeof PaymentEvent>;

export const WebhookHeaders = Type.Object({
  'Stripe-Signature': Type.Optional(
    Type.String({
      description: '`t=<unix seconds>,v1=<HMAC-SHA256 of "t.body">`; missing or wrong is 401 INVALID_SIGNATURE',
    }),
  ),
});

export const WebhookReceipt = Type.Object(
  {
    received: Type.Literal(true),
    duplicate: Type.Optional(Type.Literal(true, { description: 'The event was seen before; nothing happened' })),
  },
  { $id: 'WebhookReceipt', title: 'WebhookReceipt', ...strict },
);
export type WebhookReceipt = Static<typeof WebhookReceipt>;
