/**
 * Money is computed in integer cents, so sums and percentages never pick up binary floating-point noise;
 * Postgres keeps it as numeric and the API shows it as a JSON number of dollars.
 */

/** "12.34" (numeric from node-postgres) or 12.34 → 1234. */
export const toCents = (amount: string | number): number => Math.round(Number(amount) * 100);

/** 1234 → 12.34. */
export const fromCents = (cents: number): number => cents / 100;

/** 1234 → "12.34", for numeric columns. */
export const centsToDecimal = (cents: number): string => (cents / 100).toFixed(2);

/** `$` and two decimals, no thousands separators: 123450 → `$1234.50` (the pages' and mails' format). */
export const formatCents = (cents: number): string => `$${(cents / 100).toFixed(2)}`;
