import { test as base, expect, expectError, type Customer, type Order, type PaymentIntentObject, type Product, type StripeEvent, type Webhooks } from '../../fixtures';

/**
 * Signed payment events that do not match their order (docs/API.md, "Payment webhooks"): the provider's
 * signature is genuine, but the payment intent, the amount or the currency is not the order's. Paying
 * the order on such an event would ship goods for money not taken for them, so the shop answers
 * 409 PAYMENT_MISMATCH, records the event with why, and changes nothing: the order stays pending, its
 * stock reserved, no event, no mail, no money moved at the provider. Each test's order has its provider
 * webhooks held back, so the test is the only one delivering events for it.
 */
const test = base.extend<{ pending: { customer: Customer; product: Product; order: Order } }>({
  pending: async ({ customer, factory, checkout, payments }, use) => {
    // 2 x 24.99 plus shipping: an amount with cents, so one cent off is a different amount.
    const { products } = await factory.productsInOwnCategory(1, () => ({ price: 24.99, stock: 5 }));
    await checkout.cartReadyToOrder(customer, [{ product: products[0], quantity: 2 }]);
    const order = await checkout.placeOrder(customer, { paymentMethod: await payments.succeedingWithoutWebhooks() });
    await use({ customer, product: products[0], order });
  },
});

const cents = (order: Order) => Math.round(order.total * 100);

const mismatches: Array<{ name: string; event: (webhooks: Webhooks, order: Order) => StripeEvent; rejection: string }> = [
  { name: 'a success for another payment intent', event: (w, o) => w.event('payment_intent.succeeded', w.paymentIntent(o, { id: 'pi_someone_elses_payment' })), rejection: 'intent_mismatch' },
  { name: 'a success one cent short of the total', event: (w, o) => w.event('payment_intent.succeeded', w.paymentIntent(o, { amount: cents(o) - 1, amount_received: cents(o) - 1 })), rejection: 'amount_mismatch' },
  { name: 'a success one cent over the total', event: (w, o) => w.event('payment_intent.succeeded', w.paymentIntent(o, { amount: cents(o) + 1, amount_received: cents(o) + 1 })), rejection: 'amount_mismatch' },
  { name: 'a success of 1 cent', event: (w, o) => w.event('payment_intent.succeeded', w.paymentIntent(o, { amount: 1, amount_received: 1 })), rejection: 'amount_mismatch' },
  { name: 'a success that names no amount', event: (w, o) => w.event('payment_intent.succeeded', { ...w.paymentIntent(o), amount: undefined } as unknown as PaymentIntentObject), rejection: 'amount_mismatch' },
  { name: 'a success of the same figure in euros', event: (w, o) => w.event('payment_intent.succeeded', w.paymentIntent(o, { currency: 'eur' })), rejection: 'currency_mismatch' },
  { name: 'a payment failure for another payment intent', event: (w, o) => w.paymentFailed({ ...o, payment: { ...o.payment!, intentId: 'pi_someone_elses_failure' } }), rejection: 'intent_mismatch' },
];

test.describe('mismatched webhooks', { tag: ['@security', '@webhooks', '@payments', '@api'] }, () => {
  for (const mismatch of mismatches) {
    test(`${mismatch.name} is refused with 409 PAYMENT_MISMATCH, recorded as ${mismatch.rejection}, and moves nothing`, async ({ pending, webhooks, checkout, payments, db }) => {
      const event = mismatch.event(webhooks, pending.order);
      const intentBefore = await payments.paymentIntent(pending.order.payment!.intentId);

      const { response } = await webhooks.send(event);

      await expectError(response, 409, 'PAYMENT_MISMATCH');
      expect(await db.webhookEvents(event.id), 'recorded with why').toEqual([expect.objectContaining({ orderId: pending.order.id, rejection: mismatch.rejection })]);
      expect(await checkout.order(pending.order.id), 'the order as placed').toMatchObject({ status: 'pending_payment', paidAt: null, cancelledAt: null, refundedAt: null, payment: pending.order.payment });
      expect(await checkout.stock(pending.product), 'the stock stays reserved').toBe(3);
      expect((await db.outboxRowsFor(pending.order.id)).map((row) => row.topic.replace(/^.*?orders\./, 'orders.')), 'no event beyond orders.created').toEqual(['orders.created']);
      expect(await payments.paymentIntent(pending.order.payment!.intentId), 'no money moved at the provider').toEqual(intentBefore);
    });
  }

  test('a redelivery of a refused event is refused again, still recorded once', async ({ pending, webhooks, db }) => {
    const event = mismatches[1].event(webhooks, pending.order);

    const [first, second] = await webhooks.sendTwice(event);

    await expectError(first.response, 409, 'PAYMENT_MISMATCH');
    await expectError(second.response, 409, 'PAYMENT_MISMATCH');
    expect(await db.webhookEvents(event.id)).toEqual([expect.objectContaining({ rejection: 'amount_mismatch' })]);
  });

  test("a refused event does not block the order's genuine one, which pays it", async ({ pending, webhooks, events, checkout, db }) => {
    const forged = mismatches[0].event(webhooks, pending.order);
    await expectError((await webhooks.send(forged)).response, 409, 'PAYMENT_MISMATCH');
    const genuine = webhooks.succeeded(pending.order);

    const { response } = await webhooks.send(genuine);

    await expect(response).toHaveStatus(200);
    expect(await db.webhookEvents(genuine.id)).toEqual([expect.objectContaining({ rejection: null })]);
    const paid = await events.waitFor('orders.paid', { orderId: pending.order.id });
    expect(paid.envelope.payload).toMatchObject({ paymentIntentId: pending.order.payment!.intentId, amount: pending.order.total });
    expect((await checkout.order(pending.order.id)).status).toBe('paid');
  });
});
