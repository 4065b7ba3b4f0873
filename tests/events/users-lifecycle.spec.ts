import { randomUUID } from 'node:crypto';
import { test, expect, expectError, expectJson, env, type UserDeletedPayload, type UserUpdatedPayload } from '../../fixtures';

/**
 * users.updated and users.deleted (docs/API.md, "Events"): published through the outbox with the change, keyed by the
 * user, carrying the request's correlation id and never a password or a hash; and what the notifications consumer
 * makes of them: a mail to the old address when the email changed, one to the user when the password did, one when
 * the account is deleted, each once per event.
 */

const fullName = (name: string) => `${env.topicPrefix}${name}`;

/** How the email-changed mail names the new address: its first character, then `***@` and the domain. */
const masked = (email: string) => `${email.slice(0, 1)}***${email.slice(email.lastIndexOf('@'))}`;

/** No password and nothing of a hash in the raw message. */
function expectNoSecrets(raw: string, ...passwords: string[]): void {
  for (const password of passwords) expect(raw, 'no password in the event').not.toContain(password);
  for (const secret of ['$2', 'password_hash', 'passwordHash', 'token_version', 'tokenVersion']) expect(raw).not.toContain(secret);
}

test.describe('users.updated', { tag: ['@users', '@events'] }, () => {
  test('a name and email change publishes users.updated with both before and after, keyed by the user, under the request’s correlation id', async ({ customer, factory, events }) => {
    const name = factory.faker.person.fullName();
    const email = factory.email(name);
    const correlationId = randomUUID();

    const user = await expectJson(await customer.api.updateUser(customer.user.id, { name, email }, { correlationId }));

    const event = await events.waitFor<UserUpdatedPayload>('users.updated', { userId: customer.user.id });
    expect(event.envelope).toMatchEventContract('users.updated');
    expect(event.key, 'the Kafka key is the user id').toBe(customer.user.id);
    expect(event.envelope.correlationId).toBe(correlationId);
    expect(event.envelope.payload).toEqual({
      userId: customer.user.id,
      changedFields: ['name', 'email'],
      changes: { name: { before: customer.name, after: name }, email: { before: customer.email, after: email } },
      updatedAt: user.updatedAt,
    });
    expectNoSecrets(event.raw, customer.password);
  });

  test('a name-only change names only name', async ({ customer, events }) => {
    await expect(await customer.api.updateUser(customer.user.id, { name: `${customer.name} Renamed` })).toHaveStatus(200);

    const event = await events.waitFor<UserUpdatedPayload>('users.updated', { userId: customer.user.id });
    expect(event.envelope.payload.changedFields).toEqual(['name']);
    expect(event.envelope.payload.changes).toEqual({ name: { before: customer.name, after: `${customer.name} Renamed` } });
  });

  test('a password change names only password, with no value or hash, and the user gets the password mail', { tag: ['@mail', '@security'] }, async ({ customer, factory, events, mailbox }) => {
    const password = factory.password();

    await expect(await customer.api.updateUser(customer.user.id, { password })).toHaveStatus(200);

    const event = await events.waitFor<UserUpdatedPayload>('users.updated', { userId: customer.user.id });
    expect(event.envelope).toMatchEventContract('users.updated');
    expect(event.envelope.payload).toMatchObject({ changedFields: ['password'], changes: {} });
    expectNoSecrets(event.raw, password, customer.password);
    const mail = await mailbox.waitForEmail({ to: customer.email, subject: 'Your Event Shop password was changed' });
    expect(mail.text).toContain(customer.name);
    expectNoSecrets(mail.text + mail.html, password);
  });

  test('a refused change publishes nothing: 409 EMAIL_EXISTS, 400 VALIDATION_ERROR, or a name sent as it is', async ({ customer, factory, events, db }) => {
    const other = await factory.registeredUser();

    await expectError(await customer.api.updateUser(customer.user.id, { email: other.email }), 409, 'EMAIL_EXISTS');
    await expectError(await customer.api.updateUser(customer.user.id, { name: '', password: 'short' }), 400, 'VALIDATION_ERROR');
    await expect(await customer.api.updateUser(customer.user.id, { name: customer.name }), 'the same name is accepted, and is no change').toHaveStatus(200);

    await expect(events).not.toHavePublished('users.updated', { userId: customer.user.id });
    expect((await db.outboxRowsFor(customer.user.id)).map((row) => row.topic), 'the outbox has the registration only').toEqual(['users.registered']);
  });
});

test.describe('users.updated mails', { tag: ['@users', '@events', '@mail'] }, () => {
  test('an email change mails the old address, naming the new one masked; the new address gets no such mail', async ({ customer, factory, events, mailbox, db }) => {
    const newEmail = factory.email();

    await expect(await customer.api.updateUser(customer.user.id, { email: newEmail })).toHaveStatus(200);

    const mail = await mailbox.waitForEmail({ to: customer.email, subject: 'Your Event Shop email was changed' });
    expect(mail.text).toContain(customer.email);
    expect(mail.text).toContain(masked(newEmail));
    expect(mail.text + mail.html, 'the new address is not handed to the old mailbox whole').not.toContain(newEmail);

    const event = await events.waitFor<UserUpdatedPayload>('users.updated', { userId: customer.user.id });

    await test.step('once the consumer is past the event, the new address has received nothing', async () => {
      await events.consumedByShop('users.updated', event);
      expect(await mailbox.messagesTo(newEmail)).toEqual([]);
      expect((await db.notificationsForEvent(event.envelope.eventId)).map((row) => [row.kind, row.recipient])).toEqual([['email_changed', customer.email]]);
    });
  });

  test('a redelivered users.updated sends no second mail', async ({ customer, factory, events, mailbox, db }) => {
    await expect(await customer.api.updateUser(customer.user.id, { email: factory.email() })).toHaveStatus(200);
    const original = await events.waitFor<UserUpdatedPayload>('users.updated', { userId: customer.user.id });
    await mailbox.waitForEmail({ to: customer.email, subject: 'Your Event Shop email was changed' });

    const redelivery = await test.step('the same event is delivered again, byte for byte', async () =>
      events.publish('users.updated', original.raw, { key: customer.user.id, partition: original.partition }),
    );

    await test.step('once the consumer is past it: still one mail and one notification', async () => {
      await events.consumedByShop('users.updated', redelivery);
      expect(await mailbox.mailsMatching({ to: customer.email, subject: 'Your Event Shop email was changed' })).toHaveLength(1);
      expect(await db.notificationsForEvent(original.envelope.eventId)).toHaveLength(1);
    });
  });

  test('a users.updated under another user’s key is dead-lettered as WRONG_KEY, and mails nobody', async ({ customer, factory, events, mailbox }) => {
    const oldEmail = factory.email();
    const envelope = {
      eventId: randomUUID(),
      type: 'users.updated',
      occurredAt: new Date().toISOString(),
      correlationId: randomUUID(),
      version: 1,
      payload: {
        userId: customer.user.id,
        changedFields: ['email'],
        changes: { email: { before: oldEmail, after: customer.email } },
        updatedAt: new Date().toISOString(),
      },
    };
    expect(envelope).toMatchEventContract('users.updated');

    const published = await events.publish('users.updated', envelope, { key: randomUUID() });

    const letter = await events.waitForDeadLetter('users.updated.dlq', {
      originalTopic: fullName('users.updated'),
      offset: published.offset,
      consumer: fullName('shop-notifications'),
    });
    expect(letter.deadLetter).toMatchObject({ reason: 'WRONG_KEY', partition: published.partition });
    expect(letter.deadLetter.error).toMatch(/not the event's userId/);
    await events.consumedByShop('users.updated', published);
    expect(await mailbox.messagesTo(oldEmail)).toEqual([]);
  });
});

test.describe('users.deleted', { tag: ['@users', '@events'] }, () => {
  test('a deletion publishes users.deleted with its deletedAt, keyed by the user, and mails the address the account had', { tag: ['@mail'] }, async ({ customer, events, mailbox, db }) => {
    const correlationId = randomUUID();

    await expect(await customer.api.deleteUser(customer.user.id, { correlationId })).toHaveStatus(204);

    const event = await events.waitFor<UserDeletedPayload>('users.deleted', { userId: customer.user.id });
    expect(event.envelope).toMatchEventContract('users.deleted');
    expect(event.key).toBe(customer.user.id);
    expect(event.envelope.correlationId).toBe(correlationId);
    const row = await db.userById(customer.user.id);
    expect(event.envelope.payload).toEqual({ userId: customer.user.id, deletedAt: row?.deletedAt?.toISOString() });
    const mail = await mailbox.waitForEmail({ to: customer.email, subject: 'Your Event Shop account was deleted' });
    expect(mail.text).toContain(customer.email);
  });

  test('a refused deletion publishes nothing: another customer’s account is 403', async ({ customer, factory, events, db }) => {
    const other = await factory.registeredUser();

    await expectError(await customer.api.deleteUser(other.user.id), 403, 'FORBIDDEN');

    await expect(events).not.toHavePublished('users.deleted', { userId: other.user.id });
    expect((await db.userById(other.user.id))?.deletedAt).toBeNull();
  });
});
