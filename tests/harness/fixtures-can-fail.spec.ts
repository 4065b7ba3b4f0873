import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import Stripe from 'stripe';
import { test, expect, env } from '../../fixtures';

/**
 * The harness proves it can fail: each view of the suite sees what is put in front of it by hand, and its absence
 * check or wait fails when it should. A fixture that stopped capturing would make these red, not the suite green.
 */
test.describe('the harness can fail', { tag: ['@protocol', '@contract'] }, () => {
  test('events: a message published by hand is seen, and the absence check fails once it is there', async ({ events }) => {
    const marker = randomUUID();
    // A dead-letter topic: no consumer of the shop reads it, so the message changes nothing but this test's view.
    const topic = 'users.registered.dlq';
    await expect(events).not.toHavePublished(topic, { selfTest: marker });

    await events.publish(topic, { selfTest: marker }, { key: marker });

    const seen = await events.waitFor(topic, { selfTest: marker }, { validate: false });
    expect(seen.key).toBe(marker);
    await expect(expect(events).not.toHavePublished(topic, { selfTest: marker })).rejects.toThrow(/expected no event on "users\.registered\.dlq"/);
  });

  test('mailbox: a mail sent by hand over SMTP is seen; a wait for a mail never sent fails naming the address', async ({ mailbox }) => {
    const to = `self-test-${randomUUID()}@harness.test`;
    const subject = `Self-test ${randomUUID()}`;
    const smtp = nodemailer.createTransport({ host: process.env.SMTP_HOST ?? '127.0.0.1', port: Number(process.env.SMTP_PORT ?? 1025), secure: false });

    await smtp.sendMail({ from: 'harness@harness.test', to, subject, text: 'sent by hand' });

    const mail = await mailbox.waitForEmail({ to, subject });
    expect(mail.text).toContain('sent by hand');
    const nobody = `nobody-${randomUUID()}@harness.test`;
    await expect(mailbox.waitForEmail({ to: nobody, timeout: 1_000 })).rejects.toThrow(nobody);
  });

  test('webhooks: what the signer signs passes the SDK’s own verifier; a changed body, another secret or an old timestamp do not', async ({ webhooks }) => {
    const verifier = new Stripe('sk_test_verifier_only');
    const event = webhooks.event('payment_intent.succeeded', { id: `pi_${randomUUID().replace(/-/g, '')}`, object: 'payment_intent', amount: 1234 });
    const signed = webhooks.sign(event);

    expect(verifier.webhooks.constructEvent(signed.payload, signed.signature, env.stripeWebhookSecret)).toMatchObject({ id: event.id });
    expect(() => verifier.webhooks.constructEvent(signed.payload.replace('1234', '1235'), signed.signature, env.stripeWebhookSecret)).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
    expect(() => verifier.webhooks.constructEvent(signed.payload, signed.signature, 'whsec_another')).toThrow(Stripe.errors.StripeSignatureVerificationError);
    const old = webhooks.sign(event, { timestamp: Math.floor(Date.now() / 1000) - 3_600 });
    expect(() => verifier.webhooks.constructEvent(old.payload, old.signature, env.stripeWebhookSecret, 300)).toThrow(/timestamp/i);
  });
});
