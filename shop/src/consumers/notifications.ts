import { createHash } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { withTransaction } from '../db';
import type { EventEnvelope, OrderEventBase, UserDeletedPayload, UserUpdatedPayload } from '../events';
import type { Mailer } from '../mailer';
import { findOrderRow, withItems } from '../services/orders';
import { findActiveUser, type User } from '../services/users';
import { startEventConsumer } from './eventConsumer';
import {
  accountDeletedMail,
  emailChangedMail,
  orderConfirmationMail,
  orderShippedMail,
  passwordChangedMail,
  paymentFailedMail,
  refundMail,
  welcomeMail,
  type MailContent,
} from './mails';

export interface NotificationsOptions {
  kafka: Kafka;
  producer: Producer;
  pool: Pool;
  mailer: Mailer;
  log: FastifyBaseLogger;
  topicPrefix: string;
  mailFrom: string;
  publicUrl: string;
  joinTimeoutMs: number;
}

type NotificationKind =
  | 'welcome'
  | 'order_confirmation'
  | 'order_shipped'
  | 'payment_failed'
  | 'refund'
  | 'email_changed'
  | 'password_changed'
  | 'account_deleted';

/** The kinds one event can give together (users.updated: email and password), so each needs a Message-ID of its own. */
const SHARED_EVENT_KINDS: ReadonlySet<NotificationKind> = new Set(['email_changed', 'password_changed']);

/**
 * The Message-ID's local part: the event id, or for a kind that shares its event, a UUID-shaped digest of both (as
 * stable across resends, and no longer: a longer id is folded onto a line of its own, which MailHog misreads).
 */
function messageKey(eventId: string, kind: NotificationKind): string {
  if (!SHARED_EVENT_KINDS.has(kind)) return eventId;
  const hex = createHash('sha256').update(`${eventId}/${kind}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The event a mail answers: its id makes the Message-ID, its correlation id (the action that caused it) a header. */
type MailCause = Pick<EventEnvelope<unknown>, 'eventId' | 'correlationId'>;

/** Every mail names the action it follows from, as the shop's answers and Kafka messages do. */
const CORRELATION_HEADER = 'X-Correlation-Id';

/**
 * Sends a mail once per event and kind: the notifications row (unique event_id and kind) and the mail share a transaction, so a
 * redelivered event finds the row and sends nothing, a failed send leaves no row and is retried, and a second
 * consumer given the same event (a rebalance) waits on the uncommitted row. One gap is left: SMTP accepted the
 * mail but the commit failed (Postgres went away just then). The consumer remembers those events, and the retry
 * records the row without sending again. Message-ID is derived from the event, so even a mail SMTP received but
 * could not confirm (the connection dropped after the data) shows up as the same message, not a new one.
 */
function mailSender(options: NotificationsOptions) {
  const sentNotRecorded = new Set<string>();
  const domain = /@([^>\s]+)>?\s*$/.exec(options.mailFrom)?.[1] ?? 'event-shop.local';

  return async function sendOnce(cause: MailCause, kind: NotificationKind, to: string, mail: MailContent): Promise<void> {
    const { eventId } = cause;
    const key = `${eventId}/${kind}`;
    const messageId = `<${messageKey(eventId, kind)}@${domain}>`;
    let sent = false;
    try {
      await withTransaction(options.pool, async (client) => {
        const { rowCount } = await client.query(
          `INSERT INTO notifications (event_id, kind, recipient, subject) VALUES ($1, $2, $3, $4)
           ON CONFLICT (event_id, kind) DO NOTHING`,
          [eventId, kind, to, mail.subject],
        );
        if (rowCount === 0) {
          options.log.info({ eventId, kind }, 'mail already sent for this event');
          return;
        }
        if (sentNotRecorded.has(key)) {
          options.log.info({ eventId, kind }, 'mail sent before; recording it without sending again');
          return;
        }
        await options.mailer.sendMail({ from: options.mailFrom, to, messageId, headers: { [CORRELATION_HEADER]: cause.correlationId }, ...mail });
        sent = true;
        options.log.info({ eventId, kind, correlationId: cause.correlationId }, 'mail sent');
      });
    } catch (error) {
      if (sent) sentNotRecorded.add(key);
      throw error;
    }
    sentNotRecorded.delete(key);
  };
}

/** The customer an order event is about; a customer deleted since gets no mail. */
async function customerOf(options: NotificationsOptions, event: EventEnvelope<OrderEventBase>): Promise<User | undefined> {
  const customer = await findActiveUser(options.pool, event.payload.userId);
  if (!customer) options.log.info({ eventId: event.eventId, userId: event.payload.userId }, 'no mail: the customer no longer exists');
  return customer;
}

/** A user's name and address as they are now, deleted or not (a deleted account keeps its row). */
async function accountOf(options: NotificationsOptions, userId: string): Promise<{ name: string; email: string; deleted: boolean } | undefined> {
  const { rows } = await options.pool.query<{ name: string; email: string; deleted: boolean }>(
    'SELECT name, email, deleted_at IS NOT NULL AS deleted FROM users WHERE id = $1',
    [userId],
  );
  return rows[0];
}

/**
 * users.updated: the email changed → a mail to the old address (whatever has happened to the account since: the old
 * mailbox is who must hear of it); the password changed → a mail to the user's current address, unless deleted since.
 */
async function mailUserUpdated(options: NotificationsOptions, sendOnce: ReturnType<typeof mailSender>, event: EventEnvelope<UserUpdatedPayload>) {
  const { userId, changedFields, changes } = event.payload;
  const account = await accountOf(options, userId);
  if (!account) {
    options.log.info({ eventId: event.eventId, userId }, 'no mail: no such user');
    return;
  }
  if (changes.email) {
    const mail = emailChangedMail({ name: account.name, ...changes.email }, options.publicUrl);
    await sendOnce(event, 'email_changed', changes.email.before, mail);
  }
  if (!changedFields.includes('password')) return;
  if (account.deleted) {
    options.log.info({ eventId: event.eventId, userId }, 'no password mail: the user no longer exists');
    return;
  }
  await sendOnce(event, 'password_changed', account.email, passwordChangedMail(account, options.publicUrl));
}

/** users.deleted: a confirmation to the address the account had. */
async function mailUserDeleted(options: NotificationsOptions, sendOnce: ReturnType<typeof mailSender>, event: EventEnvelope<UserDeletedPayload>) {
  const account = await accountOf(options, event.payload.userId);
  if (!account) {
    options.log.info({ eventId: event.eventId, userId: event.payload.userId }, 'no mail: no such user');
    return;
  }
  await sendOnce(event, 'account_deleted', account.email, accountDeletedMail(account, event.payload, options.publicUrl));
}

/**
 * Starts the `notifications` consumer: the welcome mail on users.registered, the account mails on users.updated and
 * users.deleted, and the order mails on orders.paid, orders.shipped, orders.payment_failed and a refunded
 * orders.cancelled. Resolves once it has joined its group.
 */
export function startNotificationsConsumer(options: NotificationsOptions): Promise<Consumer> {
  const sendOnce = mailSender(options);
  return startEventConsumer({
    ...options,
    group: 'shop-notifications',
    handlers: {
      'users.registered': async (event) =>
        sendOnce(event, 'welcome', event.payload.email, welcomeMail(event.payload, options.publicUrl)),
      'users.updated': async (event) => mailUserUpdated(options, sendOnce, event),
      'users.deleted': async (event) => mailUserDeleted(options, sendOnce, event),
      'orders.paid': async (event) => {
        const customer = await customerOf(options, event);
        const row = await findOrderRow(options.pool, event.payload.orderId);
        if (!customer || !row) return;
        const [order] = await withItems(options.pool, [row]);
        const mail = orderConfirmationMail(customer, order, event.payload, options.publicUrl);
        await sendOnce(event, 'order_confirmation', customer.email, mail);
      },
      'orders.shipped': async (event) => {
        const customer = await customerOf(options, event);
        if (!customer) return;
        const mail = orderShippedMail(customer, event.payload, options.publicUrl);
        await sendOnce(event, 'order_shipped', customer.email, mail);
      },
      'orders.payment_failed': async (event) => {
        const customer = await customerOf(options, event);
        if (!customer) return;
        const mail = paymentFailedMail(customer, event.payload, options.publicUrl);
        await sendOnce(event, 'payment_failed', customer.email, mail);
      },
      // A cancellation that refunded the payment: the whole total went back (the shop refunds nothing partly).
      'orders.cancelled': async (event) => {
        if (!event.payload.refunded) return;
        const customer = await customerOf(options, event);
        const row = await findOrderRow(options.pool, event.payload.orderId);
        if (!customer || !row) return;
        const mail = refundMail(customer, { orderId: row.id, amount: Number(row.total) }, options.publicUrl);
        await sendOnce(event, 'refund', customer.email, mail);
      },
    },
  });
}
