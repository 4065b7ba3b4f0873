import { createHmac } from 'node:crypto';
import { unixSeconds } from './ids';

/**
 * The `Stripe-Signature` header for a raw body, as Stripe signs webhooks: `t=<unix seconds>` and
 * `v1=<hex HMAC-SHA256 of "<t>.<body>">`, keyed with the endpoint's whole `whsec_...` secret.
 */
export function signatureHeader(rawBody: string, secret: string, timestamp = unixSeconds()): string {
  const signature = createHmac('sha256', secret).update(`${timestamp}.${rawBody}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${signature}`;
}
