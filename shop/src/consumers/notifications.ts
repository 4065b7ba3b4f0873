import type { FastifyBaseLogger } from 'fastify';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { withTransaction } from '../db';
import type { EventEnvelope, OrderEventBase } from '../events';
import type { Mailer } from '../mailer';
import { findOrderRow, withItems } from '../services/orders';
import { findActiveUser, type User } from '../services/users';
import { startEventConsumer } from './eventConsumer';
import { orderConfirmationMail, orderShippedMail, paymentFailedMail, welcomeMail, type MailContent } from './mails';

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

type NotificationKind = 'welcome' | 'order_confirmation' | 'order_shipped' | 'payment_failed';

/**
 * Sends a mail once per event: the notifications row (unique event_id) and the mail share a transaction, so a
 * redelivered event finds the row and sends nothing, a failed send leaves no row and is retried, and a second
 * consumer given the same event (a rebalance) waits on the uncommitted row. One gap is left: SMTP accepted the
 * mail but the commit failed (Postgres went away just then). The consumer remembers those events, and the retry
 * records the row without sending again. Message-ID is derived from the event, so even a mail SMTP received but
 * could not confirm (the connection dropped after the data) shows up as the same message, not a new one.
 */
function mailSender(options: NotificationsOptions) {
  const sentNotRecorded = new Set<string>();
  const domain = /@([^>\s]+)>?\s*$/.exec(options.mailFrom)?.[1] ?? 'event-shop.local';

  return async function sendOnce(eventId: string, kind: NotificationKind, to: string, mail: MailContent): Promise<void> {
    let sent = false;
    try {
      await withTransaction(options.pool, async (client) => {
        const { rowCount } = await client.query(
          `INSERT INTO notifications (event_id, kind, recipient, subject) VALUES ($1, $2, $3, $4)
           ON CONFLICT (event_id) DO NOTHING`,
          [eventId, kind, to, mail.subject],
        );
        if (rowCount === 0) {
          options.log.info({ eventId, kind }, 'mail already sent for this event');
          return;
        }
        if (sentNotRecorded.has(eventId)) {
          options.log.info({ eventId, kind }, 'mail sent before; recording it without sending again');
          return;
        }
        await options.mailer.sendMail({ from: options.mailFrom, to, messageId: `<${eventId}@${domain}>`, ...mail });
        sent = true;
      });
    } catch (error) {
      if (sent) sentNotRecorded.add(eventId);
      throw error;
    }
    sentNotRecorded.delete(eventId);
  };
}

/** The customer an order event is about; a customer deleted since gets no mail. */
async function customerOf(options: NotificationsOptions, event: EventEnvelope<OrderEventBase>): Promise<User | undefined> {
  const customer = await findActiveUser(options.pool, event.payload.userId);
  if (!customer) options.log.info({ eventId: event.eventId, userId: event.payload.userId }, 'no mail: the customer no longer exists');
  return customer;
}

/**
 * Starts the `notifications` consumer: the welcome mail on users.registered, and the order mails on orders.paid,
 * orders.shipped and orders.payment_failed. Resolves once it has joined its group.
 */
export function startNotificationsConsumer(options: NotificationsOptions): Promise<Consumer> {
  const sendOnce = mailSender(options);
  return startEventConsumer({
    ...options,
    group: 'shop-notifications',
    handlers: {
      'users.registered': async (event) =>
        sendOnce(event.eventId, 'welcome', event.payload.email, welcomeMail(event.payload, options.publicUrl)),
      'orders.paid': async (event) => {
        const customer = await customerOf(options, event);
        const row = await findOrderRow(options.pool, event.payload.orderId);
        if (!customer || !row) return;
        const [order] = await withItems(options.pool, [row]);
        const mail = orderConfirmationMail(customer, order, event.payload, options.publicUrl);
        await sendOnce(event.eventId, 'order_confirmation', customer.email, mail);
      },
      'orders.shipped': async (event) => {
        const customer = await customerOf(options, event);
        if (!customer) return;
        const mail = orderShippedMail(customer, event.payload, options.publicUrl);
        await sendOnce(event.eventId, 'order_shipped', customer.email, mail);
      },
      'orders.payment_failed': async (event) => {
        const customer = await customerOf(options, event);
        if (!customer) return;
        const mail = paymentFailedMail(customer, event.payload, options.publicUrl);
        await sendOnce(event.eventId, 'payment_failed', customer.email, mail);
      },
    },
  });
}
