import Stripe from 'stripe';
import { test, expect, env, type Checkout, type Customer, type Factory, type Payments, type WebhookDeliveryAttempt } from '../../fixtures';

/** The official SDK's own verifier, as a shop on real Stripe would call it (no request is made: a key is only required). */
const verifier = new Stripe('sk_test_verifier_only').webhooks;

/** A paid order of one product, and the gateway's recorded delivery of its payment_intent.succeeded that the shop answered 200. */
async function paidOrderDelivery({ customer, factory, checkout, payments }: { customer: Customer; factory: Factory; checkout: Checkout; payments: Payments }) {
  const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
  const order = await checkout.buy(customer, [{ product: products[0] }]);
  const intentId = order.payment?.intentId ?? '';
  expect(intentId).toMatch(/^pi_/);
  const succeeded = (attempts: WebhookDeliveryAttempt[]) => attempts.find((attempt) => attempt.type === 'payment_intent.succeeded' && attempt.status === 200);
  const attempts = await payments.waitForDeliveries(intentId, (recorded) => succeeded(recorded) !== undefined, { describe: 'a payment_intent.succeeded answered 200' });
  return { intentId, delivery: succeeded(attempts)! };
}

test.describe("webhook deliveries as the provider recorded them, checked with the stripe SDK's verifier", { tag: ['@webhooks', '@payments', '@api', '@contract'] }, () => {
  test("a paid order's payment_intent.succeeded: the body, headers and the shop's answer are recorded, and the SDK verifies the signature", async ({
    customer,
    factory,
    checkout,
    payments,
  }) => {
    const { intentId, delivery } = await paidOrderDelivery({ customer, factory, checkout, payments });

    await test.step('the SDK accepts the delivered signature over the delivered body, with the shop’s signing secret', async () => {
      const event = verifier.constructEvent(delivery.request.body, delivery.request.headers['Stripe-Signature'], env.stripeWebhookSecret);
      expect(event).toMatchObject({ id: delivery.eventId, type: 'payment_intent.succeeded', data: { object: { id: intentId, object: 'payment_intent', status: 'succeeded' } } });
    });

    await test.step('the request went to the shop’s endpoint as JSON, and the shop answered 200 with its receipt', async () => {
      expect(delivery.request.url).toBe(`${env.shopUrl}/api/webhooks/payments`);
      expect(delivery.request.headers['Content-Type']).toBe('application/json; charset=utf-8');
      expect(delivery.response).toMatchObject({ status: 200, truncated: false });
      expect(delivery.response?.headers['content-type']).toContain('application/json');
      expect(JSON.parse(delivery.response?.body ?? 'null')).toEqual({ received: true });
    });
  });

  test('the SDK refuses the delivered signature over a tampered body, with another secret, or once the tolerance has passed', { tag: '@failure' }, async ({
    customer,
    factory,
    checkout,
    payments,
  }) => {
    const { intentId, delivery } = await paidOrderDelivery({ customer, factory, checkout, payments });
    const { body, headers } = delivery.request;
    const signature = headers['Stripe-Signature'];

    const tampered = body.replace(`"${intentId}"`, '"pi_someone_else"');
    expect(tampered).not.toBe(body);
    expect(() => verifier.constructEvent(tampered, signature, env.stripeWebhookSecret)).toThrow(/signature/i);
    expect(() => verifier.constructEvent(body, signature, 'whsec_another_endpoint')).toThrow(/signature/i);
    // The same delivery received a day later (the SDK's receivedAt, in milliseconds): a replay outside its 300 s tolerance.
    const aDayLater = Date.now() + 86_400_000;
    expect(() => verifier.constructEvent(body, signature, env.stripeWebhookSecret, 300, undefined, aDayLater)).toThrow(/tolerance/i);
  });
});
