import { isUniqueViolation, type Db } from '../db';
import { discountCodeExists, invalidDiscountCode } from '../errors';
import { centsToDecimal, formatCents, toCents } from '../money';
import type * as Http from '../../../contracts/http';
import type { InputCheck } from '../validation';

/** A DiscountCode as the API shows it: the contract's type (contracts/http). */
export type DiscountCode = Http.DiscountCode;

export interface DiscountRow {
  code: string;
  percent_off: number | null;
  amount_off: string | null;
  expires_at: Date | null;
  min_subtotal: string | null;
}

const COLUMNS = 'code, percent_off, amount_off, expires_at, min_subtotal';

function toDiscountCode(row: DiscountRow): DiscountCode {
  return {
    code: row.code,
    percentOff: row.percent_off,
    amountOff: row.amount_off === null ? null : Number(row.amount_off),
    expiresAt: row.expires_at?.toISOString() ?? null,
    minSubtotal: row.min_subtotal === null ? null : Number(row.min_subtotal),
  };
}

export interface NewDiscountCode {
  code: string;
  percentOff: number | null;
  amountOffCents: number | null;
  expiresAt: Date | null;
  minSubtotalCents: number | null;
}

const given = (value: unknown): boolean => value !== undefined && value !== null;
const parseDate = (value: string): Date | undefined => {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
};

/** What the schema cannot say: exactly one kind of discount (null counts as absent), and an expiry Date can read. */
export const checkNewDiscountCode: InputCheck<Http.NewDiscountCode> = (discount, issues) => {
  if (given(discount.percentOff) === given(discount.amountOff)) {
    issues.add('body', 'must contain exactly one of percentOff and amountOff');
  }
  issues.check(discount, 'expiresAt', (expiresAt) => (parseDate(expiresAt) ? undefined : 'must be an ISO 8601 date-time'));
};

/** A valid new code as it is stored: trimmed and upper-cased, money in cents, null for what was not given. */
export const newDiscountCodeOf = (discount: Http.NewDiscountCode): NewDiscountCode => ({
  code: discount.code.trim().toUpperCase(),
  percentOff: discount.percentOff ?? null,
  amountOffCents: given(discount.amountOff) ? toCents(discount.amountOff!) : null,
  expiresAt: given(discount.expiresAt) ? parseDate(discount.expiresAt!)! : null,
  minSubtotalCents: given(discount.minSubtotal) ? toCents(discount.minSubtotal!) : null,
});

export async function createDiscountCode(db: Db, discount: NewDiscountCode): Promise<DiscountCode> {
  try {
    const { rows } = await db.query<DiscountRow>(
      `INSERT INTO discount_codes (code, percent_off, amount_off, expires_at, min_subtotal)
       VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
      [
        discount.code,
        discount.percentOff,
        discount.amountOffCents === null ? null : centsToDecimal(discount.amountOffCents),
        discount.expiresAt,
        discount.minSubtotalCents === null ? null : centsToDecimal(discount.minSubtotalCents),
      ],
    );
    return toDiscountCode(rows[0]);
  } catch (error) {
    if (isUniqueViolation(error, 'discount_codes_pkey')) throw discountCodeExists();
    throw error;
  }
}

export async function findDiscountCode(db: Db, code: string): Promise<DiscountRow | undefined> {
  const { rows } = await db.query<DiscountRow>(`SELECT ${COLUMNS} FROM discount_codes WHERE code = upper($1)`, [
    code.trim(),
  ]);
  return rows[0];
}

/** Why a known code does not apply to this subtotal right now, or undefined when it does. */
export function whyNotApplicable(discount: DiscountRow, subtotalCents: number, now = new Date()): string | undefined {
  if (discount.expires_at && discount.expires_at <= now) return `The discount code ${discount.code} has expired`;
  if (discount.min_subtotal !== null && subtotalCents < toCents(discount.min_subtotal)) {
    const minimum = formatCents(toCents(discount.min_subtotal));
    return `The discount code ${discount.code} is not yet applicable: it needs a subtotal of at least ${minimum}`;
  }
  return undefined;
}

/** The discount in cents: a percentage rounded to the cent, or a fixed amount; never more than the subtotal. */
export function discountCents(discount: DiscountRow, subtotalCents: number): number {
  const cents =
    discount.percent_off !== null
      ? Math.round((subtotalCents * discount.percent_off) / 100)
      : toCents(discount.amount_off ?? 0);
  return Math.min(cents, subtotalCents);
}

/** The row of a code a customer typed, or INVALID_DISCOUNT_CODE saying why it cannot be used. */
export async function requireApplicableCode(db: Db, code: string, subtotalCents: number): Promise<DiscountRow> {
  const discount = await findDiscountCode(db, code);
  if (!discount) throw invalidDiscountCode(`Unknown discount code ${code.trim().toUpperCase()}`);
  const problem = whyNotApplicable(discount, subtotalCents);
  if (problem) throw invalidDiscountCode(problem);
  return discount;
}
