import nodemailer, { type Transporter } from 'nodemailer';
import { describeError, retryUntil } from './startup';

export type Mailer = Transporter;

export function createMailer(smtp: { host: string; port: number }): Mailer {
  return nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: false,
    connectionTimeout: 3_000,
    greetingTimeout: 3_000,
    // An SMTP server that stops answering mid-mail fails the send in seconds (nodemailer waits 10 minutes), so the
    // consumer retries it instead of holding its message, its database transaction and its group membership.
    socketTimeout: 5_000,
  });
}

/** Checks the SMTP server answers, so a wrong SMTP_HOST fails the start instead of every welcome mail. */
export async function verifyMailer(mailer: Mailer, smtp: { host: string; port: number }, timeoutMs: number): Promise<void> {
  await retryUntil(() => mailer.verify(), {
    timeoutMs,
    describeFailure: (error) => `SMTP is unreachable at ${smtp.host}:${smtp.port} (${describeError(error)})`,
  });
}
