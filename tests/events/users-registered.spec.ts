import { randomUUID } from 'node:crypto';
import { test, expect, expectJson, UUID } from '../../fixtures';


interface Registered {
  userId: string;
  email: string;
  name: string;
}

test.describe('users.registered', { tag: ['@users', '@events'] }, () => {
  test('registering publishes users.registered, keyed by the user id and valid against its contract', async ({ api, factory, events }) => {
    const data = factory.userData();
    const user = await expectJson(await api.register(data), 201);

    const event = await events.waitFor<Registered>('users.registered', { userId: user.id });

    expect(event.envelope).toMatchEventContract('users.registered');
    expect(event.envelope).toMatchObject({ type: 'users.registered', version: 1, eventId: expect.stringMatching(UUID) });
    expect(event.envelope.payload).toEqual({ userId: user.id, email: data.email, name: data.name });
    expect(event.key, 'the Kafka key is the aggregate id').toBe(user.id);
    expect(Date.parse(event.envelope.occurredAt)).toBeGreaterThanOrEqual(Date.parse(user.createdAt) - 1_000);
  });

  test('the event carries the X-Correlation-Id of the request as its correlationId', async ({ api, factory, events }) => {
    const correlationId = randomUUID();
    const user = await expectJson(await api.register(factory.userData(), { correlationId }), 201);

    await expect(events).toHavePublished('users.registered', { userId: user.id });
    expect(events.find('users.registered', { userId: user.id })?.envelope.correlationId).toBe(correlationId);
  });

  test('without X-Correlation-Id each request gets a fresh correlationId', async ({ api, factory, events }) => {
    const first = await expectJson(await api.register(factory.userData()), 201);
    const second = await expectJson(await api.register(factory.userData()), 201);

    const [a, b] = await Promise.all([
      events.waitFor('users.registered', { userId: first.id }),
      events.waitFor('users.registered', { userId: second.id }),
    ]);

    expect(a.envelope.correlationId).toMatch(UUID);
    expect(b.envelope.correlationId).toMatch(UUID);
    expect(a.envelope.correlationId).not.toBe(b.envelope.correlationId);
  });

  test('the outbox row is written with the registration and marked published once relayed', async ({ api, factory, db, events }) => {
    const data = factory.userData();
    const user = await expectJson(await api.register(data), 201);

    const row = await test.step('the row exists as soon as the 201 is answered', async () => {
      const rows = await db.outboxRowsFor(user.id);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ topic: 'users.registered', key: user.id });
      expect(rows[0].payload).toMatchObject({ type: 'users.registered', payload: { userId: user.id, email: data.email, name: data.name } });
      return rows[0];
    });

    await test.step('the relay publishes it to Kafka and marks it published', async () => {
      const event = await events.waitFor('users.registered', { userId: user.id });
      expect(event.envelope.eventId).toBe(row.eventId);
      expect(event.envelope).toEqual(row.payload);
      await expect.poll(async () => (await db.outboxRowByEventId(row.eventId))?.publishedAt ?? null, { message: 'published_at is set' }).not.toBeNull();
    });
  });

  test('a registration that fails publishes nothing', async ({ api, factory, db, events }) => {
    const data = factory.userData({ password: 'short' });

    expect((await api.register(data)).status()).toBe(400);

    await test.step('no outbox row mentions the email, so the relay has nothing to publish', async () => {
      expect(await db.outboxRowsMentioning(data.email)).toEqual([]);
      expect(await db.userByEmail(data.email)).toBeUndefined();
    });

    await test.step('and nothing on the topic, read to its end, mentions it', async () => {
      await expect(events).not.toHavePublished('users.registered', { email: data.email });
    });
  });

  test('a duplicate registration writes no second outbox row', async ({ api, factory, db }) => {
    const first = await factory.registeredUser();

    expect((await api.register(factory.userData({ email: first.email }))).status()).toBe(409);

    const rows = await db.outboxRowsMentioning(first.email);
    expect(rows.map((row) => row.key)).toEqual([first.user.id]);
  });
});
