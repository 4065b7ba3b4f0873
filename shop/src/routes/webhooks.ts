import { errorResponse, PaymentEvent, ref, response, WebhookHeaders, WebhookReceipt } from '../../../contracts/http';
import type { ShopContext } from '../context';
import type { ApiApp } from '../server';
import { validated } from '../requestValidation';
import { paymentMismatch } from '../errors';
import { handlePaymentEvent, REJECTIONS } from '../services/paymentWebhooks';
import { PROVIDER_ERRORS } from './responses';

/** The payment provider's webhooks (docs/API.md, "Payment webhooks"). */
export function registerWebhookRoutes(app: ApiApp, context: ShopContext): void {
  // Its own scope: the signature covers the exact bytes sent, so this route takes every body as a raw Buffer.
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

    scope.post(
      '/api/webhooks/payments',
      {
        schema: {
          tags: ['webhooks'],
          operationId: 'receivePaymentEvent',
          summary: "The payment provider's events, signed",
          description:
            'payment_intent.succeeded makes a pending_payment order paid (a payment for an order the shop will not ' +
            'fulfil is refunded); payment_intent.payment_failed cancels it. An event is applied once. An event whose ' +
            "intent, amount or currency is not its order's is refused with 409 PAYMENT_MISMATCH and recorded; the " +
            'order is not touched.',
          headers: WebhookHeaders,
          body: ref(PaymentEvent),
          response: {
            200: response('Recorded (and applied, unless seen before)', ref(WebhookReceipt)),
            400: errorResponse('INVALID_JSON', 'VALIDATION_ERROR', 'BAD_REQUEST'),
            401: errorResponse('INVALID_SIGNATURE', 'WEBHOOK_EXPIRED'),
            409: errorResponse('PAYMENT_MISMATCH'),
            413: errorResponse('PAYLOAD_TOO_LARGE'),
            ...PROVIDER_ERRORS,
          },
        },
        // The schemas document what the provider sends; nothing is read before the signature over the raw bytes
        // verifies, so nothing is validated against them here (a bad signature is a 401, whatever the body).
        validatorCompiler: () => () => true,
      },
      async (request) => {
        const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const event = context.payments.verifyWebhook(rawBody, request.headers['stripe-signature']);
        // Signed is not well-formed: a body that is not an event (null, [], {}) is a 400 naming what is missing,
        // not a 500 where the handler first reads it.
        validated(PaymentEvent, event);
        const { duplicate, rejection } = await handlePaymentEvent(context.pool, context.payments, event, request);
        if (rejection) throw paymentMismatch(REJECTIONS[rejection]);
        return duplicate ? { received: true as const, duplicate: true as const } : { received: true as const };
      },
    );
  });
}
