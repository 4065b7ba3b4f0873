import type { FastifyInstance } from 'fastify';
import type { ShopContext } from '../context';
import { handlePaymentEvent } from '../services/paymentWebhooks';

/** The payment provider's webhooks (docs/API.md, "Payment webhooks"). */
export function registerWebhookRoutes(app: FastifyInstance, { pool, payments }: ShopContext): void {
  // Its own scope: the signature covers the exact bytes sent, so this route takes every body as a raw Buffer.
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

    scope.post('/api/webhooks/payments', async (request) => {
      const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const event = payments.verifyWebhook(rawBody, request.headers['stripe-signature']);
      const { duplicate } = await handlePaymentEvent(pool, payments, event, request);
      return duplicate ? { received: true, duplicate: true } : { received: true };
    });
  });
}
