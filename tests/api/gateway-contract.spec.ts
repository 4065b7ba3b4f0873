import type { Type } from 'typescript';
import { test, expect, describeProblems, type Payments, type StripeShapes, type WebhookDeliveryAttempt } from '../../fixtures';

/**
 * The payment gateway fake against the official `stripe` SDK's published object shapes, read from the installed
 * SDK's type declarations at test time: every object the gateway answers or delivers has each field Stripe always
 * sends (null where unset) and no field Stripe does not have, nested objects included. An SDK upgrade that adds
 * a field fails here until the fake follows. The objects are read over HTTP exactly as the wire carries them.
 */

type Json = Record<string, unknown>;

/** The whole contract for one object: no missing key, no extra key, no value of a kind the SDK does not declare. */
function expectShape(shapes: StripeShapes, value: unknown, type: Type, what: string): void {
  const problems = shapes.check(value, type);
  expect(problems, `${what} departs from the stripe SDK ${shapes.sdkVersion}'s type:\n${describeProblems(problems)}\n${JSON.stringify(value, null, 2)}`).toEqual([]);
}

/** Each delivered event's body, checked against the SDK's declaration of its type (`refund.created` → RefundCreatedEvent). */
function expectEventShapes(shapes: StripeShapes, deliveries: WebhookDeliveryAttempt[]): void {
  for (const delivery of deliveries) expectShape(shapes, JSON.parse(delivery.request.body) as Json, shapes.eventType(delivery.type), `the ${delivery.type} event ${delivery.eventId}`);
}

async function call(payments: Payments, method: 'GET' | 'POST', path: string, params: Record<string, string> = {}, status = 200): Promise<Json> {
  const answer = await payments.stripeCall(method, path, params);
  expect(answer.status, `${method} ${path} ${JSON.stringify(params)} → ${JSON.stringify(answer.body)}`).toBe(status);
  return answer.body;
}

/** A succeeded card payment of `amount` cents with the method, answered with its charge expanded. */
function pay(payments: Payments, paymentMethod: string, amount = 1_999): Promise<Json> {
  return call(payments, 'POST', '/v1/payment_intents', { amount: String(amount), currency: 'usd', payment_method: paymentMethod, confirm: 'true', 'expand[0]': 'latest_charge' });
}

async function waitForRefund(payments: Payments, refundId: string, status: string): Promise<Json> {
  let refund: Json = {};
  await expect
    .poll(async () => {
      refund = await call(payments, 'GET', `/v1/refunds/${refundId}`);
      return refund.status;
    }, { message: `refund ${refundId} settles ${status}` })
    .toBe(status);
  return refund;
}

/** Waits for deliveries of the intent's events (refunds' and charges' included) until every type in `types` was answered 200. */
function waitForEvents(payments: Payments, intentId: string, types: string[]): Promise<WebhookDeliveryAttempt[]> {
  return payments.waitForDeliveries(intentId, (attempts) => types.every((type) => attempts.some((attempt) => attempt.type === type && attempt.status === 200)), {
    describe: types.join(', '),
  });
}

test.describe("the payment gateway speaks the stripe SDK's object shapes", { tag: ['@payments', '@api', '@contract'] }, () => {
  test('a PaymentIntent created without confirming, and one created without a method: every field Stripe sends, nothing more', async ({ payments, stripeShapes }) => {
    const created = await call(payments, 'POST', '/v1/payment_intents', { amount: '1500', currency: 'usd', payment_method: 'pm_card_visa' });
    expect(created).toMatchObject({ status: 'requires_confirmation', latest_charge: null, last_payment_error: null, client_secret: expect.stringMatching(/^pi_.+_secret_/) });
    expectShape(stripeShapes, created, stripeShapes.type('PaymentIntent'), 'a created PaymentIntent');
    expect(created).not.toHaveProperty('amount_refunded');

    const withoutMethod = await call(payments, 'POST', '/v1/payment_intents', { amount: '1500', currency: 'usd', receipt_email: 'buyer@example.com' });
    expect(withoutMethod).toMatchObject({ status: 'requires_payment_method', payment_method: null, receipt_email: 'buyer@example.com' });
    expectShape(stripeShapes, withoutMethod, stripeShapes.type('PaymentIntent'), 'a PaymentIntent without a method');
  });

  test('a succeeded PaymentIntent, with its latest_charge expanded on confirm and on retrieve, and its payment_intent.succeeded event', async ({
    payments,
    stripeShapes,
  }) => {
    const paymentMethod = await payments.succeeding();
    const created = await call(payments, 'POST', '/v1/payment_intents', { amount: '2500', currency: 'usd', payment_method: paymentMethod, 'metadata[purpose]': 'contract' });
    const intentId = String(created.id);

    const confirmed = await call(payments, 'POST', `/v1/payment_intents/${intentId}/confirm`, { 'expand[0]': 'latest_charge' });
    expect(confirmed).toMatchObject({ status: 'succeeded', amount_received: 2500, latest_charge: { object: 'charge', status: 'succeeded', amount_captured: 2500, amount_refunded: 0, paid: true } });
    expectShape(stripeShapes, confirmed, stripeShapes.type('PaymentIntent'), 'a confirmed PaymentIntent with latest_charge expanded');

    const retrieved = await call(payments, 'GET', `/v1/payment_intents/${intentId}`, { 'expand[]': 'latest_charge' });
    expect(retrieved.latest_charge).toMatchObject({ id: (confirmed.latest_charge as Json).id, payment_intent: intentId, metadata: { purpose: 'contract' }, payment_method_details: { type: 'card', card: { last4: '4242' } } });
    expectShape(stripeShapes, retrieved, stripeShapes.type('PaymentIntent'), 'a retrieved PaymentIntent with latest_charge expanded');
    const plain = await call(payments, 'GET', `/v1/payment_intents/${intentId}`);
    expect(plain.latest_charge, 'unexpanded, the charge is its id').toBe((confirmed.latest_charge as Json).id);

    const deliveries = await waitForEvents(payments, intentId, ['payment_intent.succeeded']);
    expectEventShapes(stripeShapes, deliveries);
  });

  test('a decline: the 402 error body, its PaymentIntent with last_payment_error, the full PaymentMethod in both, the failed charge and the payment_failed event', async ({
    payments,
    stripeShapes,
  }) => {
    const paymentMethod = await payments.declining('insufficient_funds');
    const error = (await call(payments, 'POST', '/v1/payment_intents', { amount: '1200', currency: 'usd', payment_method: paymentMethod, confirm: 'true' }, 402)).error as Json;
    expect(error).toMatchObject({ type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds', payment_method: { id: paymentMethod, object: 'payment_method', type: 'card' } });
    expectShape(stripeShapes, error, stripeShapes.type('StripeRawError'), 'the decline’s error body');
    const intentId = String((error.payment_intent as Json).id);

    const intent = await call(payments, 'GET', `/v1/payment_intents/${intentId}`, { 'expand[0]': 'latest_charge' });
    expect(intent).toMatchObject({
      status: 'requires_payment_method',
      last_payment_error: { code: 'card_declined', decline_code: 'insufficient_funds', payment_method: { id: paymentMethod, object: 'payment_method', card: { brand: 'visa' } } },
      latest_charge: { status: 'failed', paid: false, failure_code: 'card_declined', outcome: { type: 'issuer_declined', reason: 'insufficient_funds' } },
    });
    expectShape(stripeShapes, intent, stripeShapes.type('PaymentIntent'), 'a declined PaymentIntent with latest_charge expanded');

    const deliveries = await waitForEvents(payments, intentId, ['payment_intent.payment_failed']);
    expectEventShapes(stripeShapes, deliveries);
  });

  test('an async payment: processing, then succeeded, and both events', async ({ payments, stripeShapes }) => {
    const intent = await pay(payments, await payments.succeedingAsynchronously());
    expect(intent).toMatchObject({ status: 'processing', latest_charge: { status: 'pending', paid: false } });
    expectShape(stripeShapes, intent, stripeShapes.type('PaymentIntent'), 'a processing PaymentIntent');
    const deliveries = await waitForEvents(payments, String(intent.id), ['payment_intent.processing', 'payment_intent.succeeded']);
    expectEventShapes(stripeShapes, deliveries);
  });

  test('PaymentMethods: a test card and a programmed method, by GET /v1/payment_methods/:id', async ({ payments, stripeShapes }) => {
    const card = await call(payments, 'GET', '/v1/payment_methods/pm_card_mastercard');
    expect(card).toMatchObject({ id: 'pm_card_mastercard', object: 'payment_method', type: 'card', card: { brand: 'mastercard', last4: '4444' } });
    expectShape(stripeShapes, card, stripeShapes.type('PaymentMethod'), 'pm_card_mastercard');

    const programmed = await payments.succeeding();
    const method = await call(payments, 'GET', `/v1/payment_methods/${programmed}`);
    expect(method).toMatchObject({ id: programmed, type: 'card', card: { brand: 'visa', last4: '4242' } });
    expectShape(stripeShapes, method, stripeShapes.type('PaymentMethod'), 'a programmed method');
    expect(await payments.stripeCall('GET', '/v1/payment_methods/pm_nobody_has')).toMatchObject({ status: 404, body: { error: { code: 'resource_missing' } } });
  });

  test('a refund is pending, then succeeded: refund.created, charge.refunded and refund.updated delivered, each in its SDK shape', async ({ payments, stripeShapes }) => {
    const paymentMethod = await payments.succeeding();
    const intent = await pay(payments, paymentMethod, 3_000);
    const intentId = String(intent.id);

    const refund = await call(payments, 'POST', '/v1/refunds', { payment_intent: intentId, amount: '1000', reason: 'requested_by_customer', 'expand[0]': 'charge' });
    expect(refund).toMatchObject({ object: 'refund', status: 'pending', amount: 1000, payment_intent: intentId, payment_method: paymentMethod, charge: { amount_refunded: 1000, refunded: false } });
    expectShape(stripeShapes, refund, stripeShapes.type('Refund'), 'a pending Refund with its charge expanded');

    const settled = await waitForRefund(payments, String(refund.id), 'succeeded');
    expect(settled).not.toHaveProperty('failure_reason');
    expectShape(stripeShapes, settled, stripeShapes.type('Refund'), 'a succeeded Refund');
    expect(await payments.latestCharge(intentId)).toMatchObject({ amount_refunded: 1000, refunded: false });

    const deliveries = await waitForEvents(payments, intentId, ['payment_intent.succeeded', 'refund.created', 'charge.refunded', 'refund.updated']);
    const updated = JSON.parse(deliveries.find((delivery) => delivery.type === 'refund.updated')!.request.body) as Json;
    expect(updated.data).toMatchObject({ object: { id: refund.id, status: 'succeeded' }, previous_attributes: { status: 'pending' } });
    expectEventShapes(stripeShapes, deliveries);
  });

  test('a refund of pm_card_refundFail is pending, then failed with failure_reason: the charge gets the amount back, refund.failed is delivered', { tag: '@failure' }, async ({
    payments,
    stripeShapes,
  }) => {
    const intent = await pay(payments, 'pm_card_refundFail', 2_000);
    const intentId = String(intent.id);
    const refund = await call(payments, 'POST', '/v1/refunds', { payment_intent: intentId });
    expect(refund).toMatchObject({ status: 'pending', amount: 2000 });
    expect(await payments.latestCharge(intentId), 'a pending refund counts against the charge').toMatchObject({ amount_refunded: 2000, refunded: true });
    expect(await payments.stripeCall('POST', '/v1/refunds', { payment_intent: intentId }), 'nor can it be refunded twice meanwhile').toMatchObject({
      status: 400,
      body: { error: { code: 'charge_already_refunded' } },
    });

    const failed = await waitForRefund(payments, String(refund.id), 'failed');
    expect(failed).toMatchObject({ failure_reason: 'expired_or_canceled_card' });
    expectShape(stripeShapes, failed, stripeShapes.type('Refund'), 'a failed Refund');
    expect(await payments.latestCharge(intentId), 'the failed refund gave the amount back to the charge').toMatchObject({ amount_refunded: 0, refunded: false });

    const deliveries = await waitForEvents(payments, intentId, ['refund.created', 'charge.refunded', 'refund.updated', 'refund.failed']);
    expectEventShapes(stripeShapes, deliveries);
  });

  const ERRORS: Array<{ title: string; method: 'GET' | 'POST'; path: string; params: Record<string, string>; status: number; error: Json }> = [
    { title: 'a missing parameter', method: 'POST', path: '/v1/payment_intents', params: { currency: 'usd' }, status: 400, error: { type: 'invalid_request_error', code: 'parameter_missing', param: 'amount' } },
    { title: 'an unknown parameter', method: 'POST', path: '/v1/payment_intents', params: { amount: '900', currency: 'usd', colour: 'red' }, status: 400, error: { code: 'parameter_unknown', param: 'colour' } },
    { title: 'an id in the URL that does not exist', method: 'GET', path: '/v1/payment_intents/pi_nobody_has', params: {}, status: 404, error: { type: 'invalid_request_error', code: 'resource_missing' } },
    { title: 'an expansion the gateway does not have', method: 'POST', path: '/v1/payment_intents', params: { amount: '900', currency: 'usd', 'expand[0]': 'customer' }, status: 400, error: { param: 'expand', message: 'This property cannot be expanded (customer).' } },
    { title: 'a card the account does not know', method: 'POST', path: '/v1/payment_intents', params: { amount: '900', currency: 'usd', payment_method: 'pm_nobody_has' }, status: 400, error: { code: 'resource_missing', param: 'payment_method' } },
  ];
  for (const row of ERRORS) {
    test(`the error body for ${row.title} has Stripe's error shape`, { tag: '@validation' }, async ({ payments, stripeShapes }) => {
      const answer = await payments.stripeCall(row.method, row.path, row.params);
      expect(answer.status).toBe(row.status);
      expect(answer.body.error).toMatchObject(row.error);
      expect(Object.keys(answer.body), 'the error is the whole body').toEqual(['error']);
      expectShape(stripeShapes, answer.body.error, stripeShapes.type('StripeRawError'), `the error for ${row.title}`);
      expect(answer.body.error, 'Stripe always says what kind of error and why').toEqual(expect.objectContaining({ type: expect.any(String), message: expect.any(String) }));
    });
  }
});

test.describe("the payment gateway refuses what Stripe refuses", { tag: ['@payments', '@api', '@contract', '@validation'] }, () => {
  test("an amount under Stripe's minimum (50 cents in usd) is 400 amount_too_small, and nothing is created, charged or delivered", async ({ payments }) => {
    const paymentMethod = await payments.succeeding();

    const refused = await payments.stripeCall('POST', '/v1/payment_intents', { amount: '49', currency: 'usd', payment_method: paymentMethod, confirm: 'true' });
    expect(refused).toMatchObject({ status: 400, body: { error: { type: 'invalid_request_error', code: 'amount_too_small', param: 'amount', message: 'Amount must be at least $0.50 usd' } } });
    expect(refused.body.error).not.toHaveProperty('payment_intent');

    await test.step('the minimum itself is taken: the payment that follows with the same method is the only one', async () => {
      const paid = await pay(payments, paymentMethod, 50);
      expect(paid).toMatchObject({ status: 'succeeded', amount: 50 });
      // Its event is sent after any the refused call could have caused (one dispatch delay after each answer),
      // so once it was delivered, the method's deliveries are complete: they are this payment's alone.
      await waitForEvents(payments, String(paid.id), ['payment_intent.succeeded']);
      const deliveries = await payments.deliveriesOfMethod(paymentMethod);
      expect(deliveries.map((delivery) => [delivery.type, delivery.paymentIntent])).toEqual([['payment_intent.succeeded', paid.id]]);
      const calls = await payments.calls(paymentMethod);
      expect(calls.map((entry) => [entry.method, entry.path, entry.status])).toEqual([
        ['POST', '/v1/payment_intents', 400],
        ['POST', '/v1/payment_intents', 200],
      ]);
    });
  });
});
