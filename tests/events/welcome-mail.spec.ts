import { randomUUID } from 'node:crypto';
import { test, expect, env, type EventEnvelope } from '../../fixtures';

interface Registered {
  userId: string;
  email: string;
  name: string;
}

test.describe('welcome mail', { tag: ['@users', '@events', '@mail'] }, () => {
  test('a new customer gets the welcome mail, addressed by name', async ({ factory, mailbox }) => {
    const { email, name } = await factory.registeredUser();

    const mail = await mailbox.waitForEmail({ to: email, subject: `Welcome to Event Shop, ${name}` });

    expect(mail.to).toContain(email);
    expect(mail.from).toContain(env.mailFrom.match(/<([^>]+)>/)?.[1] ?? env.mailFrom);
    expect(mail.text).toContain(name);
  });

  test('the mail names the registration it follows from: X-Correlation-Id is users.registered’s correlation id', async ({ factory, events, mailbox }) => {
    const { email, user } = await factory.registeredUser();

    const event = await events.waitFor('users.registered', { userId: user.id });
    const mail = await mailbox.waitForEmail({ to: email, subject: /welcome/i });

    expect(mail.headers['x-correlation-id']).toBe(event.envelope.correlationId);
    expect(mail.headers['message-id'], 'the Message-ID stays the event’s').toContain(event.envelope.eventId);
  });

  test('a name with accents, quotes, underscores and a long tail comes back whole in the subject', async ({ factory, mailbox }) => {
    // Encoded in the header as RFC 2047 words and folded: the mailbox must undo both exactly.
    const name = `Renée O'Brien_Ünal & "Søn" ${'long-name-'.repeat(5)}end`.slice(0, 100);
    const { email } = await factory.registeredUser({ name });

    const mail = await mailbox.waitForEmail({ to: email, subject: /welcome/i });

    expect(mail.subject).toBe(`Welcome to Event Shop, ${name}`);
  });

  test('the mail is recorded in notifications against the event that caused it', async ({ factory, events, mailbox, db }) => {
    const { email, name, user } = await factory.registeredUser();

    const event = await events.waitFor('users.registered', { userId: user.id });
    await expect(mailbox).toHaveReceived({ to: email, subject: /welcome/i });
    // The mail reaches MailHog before its handler has written the row: once the consumer is past the event, it has.
    await events.consumedByShop('users.registered', event);

    const notifications = await db.notificationsTo(email);
    expect(notifications).toHaveLength(1);
    expect(notifications[0]).toMatchObject({ eventId: event.envelope.eventId, subject: `Welcome to Event Shop, ${name}` });
  });

  test('a redelivered users.registered event sends no second mail', async ({ factory, events, mailbox, db }) => {
    const { email, user } = await factory.registeredUser();
    const original = await events.waitFor<Registered>('users.registered', { userId: user.id });
    await mailbox.waitForEmail({ to: email, subject: /welcome/i });

    // A marker event for a user of its own follows the duplicate into the same partition: once the
    // marker's mail arrives, the shop's consumer has already handled the duplicate before it.
    const marker = { ...factory.userData(), userId: randomUUID() };
    const markerEnvelope: EventEnvelope<Registered> = {
      eventId: randomUUID(),
      type: 'users.registered',
      occurredAt: new Date().toISOString(),
      correlationId: randomUUID(),
      version: 1,
      payload: { userId: marker.userId, email: marker.email, name: marker.name },
    };
    expect(markerEnvelope).toMatchEventContract('users.registered');

    await test.step('the same event is delivered again, then the marker', async () => {
      await events.publish('users.registered', original.envelope, { key: user.id, partition: original.partition });
      await events.publish('users.registered', markerEnvelope, { key: marker.userId, partition: original.partition });
    });

    await test.step('the marker is mailed, so the duplicate has been consumed', async () => {
      await mailbox.waitForEmail({ to: marker.email, subject: /welcome/i });
    });

    await test.step('still one welcome mail and one notification for the original event', async () => {
      expect(await mailbox.messagesTo(email)).toHaveLength(1);
      expect(await db.notificationsForEvent(original.envelope.eventId)).toHaveLength(1);
    });
  });
});
