import Stripe from 'stripe';
import { test, expect, env } from '../../fixtures';

/** The official SDK's own verifier, as a shop on real Stripe would call it (no request is made: a key is only required). */
const verifier = new Stripe('sk_test_verifier_only').webhooks;

test.describe("webhook deliveries as the provider recorded them, checked with the stripe SDK's verifier", { tag: ['@webhooks', '@payments', '@api', '@contract'] }, () => {
  test("a paid order's payment_intent.succeeded: the body, headers and the shop's answer are recorded, and the SDK verifies the signature", async ({
    customer,
    factory,
    checkout,
    payments,
  }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    const order = await checkout.buy(customer, [{ product: products[0] }]);
    const intentId = order.payment?.intentId ?? '';
    expect(intentId).toMatch(/^pi_/);

    const [delivery] = await payments.waitForDeliveries(intentId, (attempts) => attempts.some((attempt) => attempt.type === 'payment_intent.succeeded' && attempt.status === 200), {
      describe: 'a payment_intent.succeeded answered 200',
    });

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
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    const order = await checkout.buy(customer, [{ product: products[0] }]);
    const [delivery] = await payments.waitForDeliveries(order.payment?.intentId ?? '', (attempts) => attempts.some((attempt) => attempt.status === 200));
    const { body, headers } = delivery.request;
    const signature = headers['Stripe-Signature'];

    const tampered = body.replace(`"${order.payment?.intentId}"`, '"pi_someone_else"');
    expect(tampered).not.toBe(body);
    expect(() => verifier.constructEvent(tampered, signature, env.stripeWebhookSecret)).toThrow(/signature/i);
    expect(() => verifier.constructEvent(body, signature, 'whsec_another_endpoint')).toThrow(/signature/i);
    // The same delivery received a day later (the SDK's receivedAt, in milliseconds): a replay outside its 300 s tolerance.
    const aDayLater = Date.now() + 86_400_000;
    expect(() => verifier.constructEvent(body, signature, env.stripeWebhookSecret, 300, undefined, aDayLater)).toThrow(/tolerance/i);
  });
});
