import { randomBytes } from 'node:crypto';

/** A Stripe-looking id (`pi_3Xb9...`): the prefix says what it is, 24 random base62-ish characters make it unique. */
export function newId(prefix: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(24);
  let id = '';
  for (const byte of bytes) id += alphabet[byte % alphabet.length];
  return `${prefix}_${id}`;
}

/** Unix seconds, the unit of every `created` field. */
export function unixSeconds(date = new Date()): number {
  return Math.floor(date.getTime() / 1000);
}
