import { isUniqueViolation, type Db } from '../db';
import { discountCodeExists, invalidDiscountCode } from '../errors';
import { centsToDecimal, formatCents, toCents } from '../money';
import { Issues, objectBody } from '../validation';

/** A discount code as the API shows it (money in dollars). */
export interface DiscountCode {
  code: string;
  percentOff: number | null;
  amountOff: number | null;
  expiresAt: string | null;
  minSubtotal: number | null;
}

export interface DiscountRow {
  code: string;
  percent_off: number | null;
  amount_off: string | null;
  expires_at: Date | null;
  min_subtotal: string | null;
}

const CODE = /^[A-Z0-9-]{3,32}$/;
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

/** A positive amount with at most two decimals, in cents. */
function amountField(issues: Issues, field: string, value: unknown, { allowZero = false } = {}): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return issues.add(field, 'must be a number');
  if (allowZero ? value < 0 : value <= 0) {
    return issues.add(field, allowZero ? 'must be greater than or equal to 0' : 'must be greater than 0');
  }
  if (value > 1_000_000) return issues.add(field, 'must be at most 1000000');
  if (Math.abs(value * 100 - Math.round(value * 100)) > 1e-6) return issues.add(field, 'must have at most two decimals');
  return toCents(value);
}

export interface NewDiscountCode {
  code: string;
  percentOff: number | null;
  amountOffCents: number | null;
  expiresAt: Date | null;
  minSubtotalCents: number | null;
}

export function parseNewDiscountCode(body: unknown): NewDiscountCode {
  const input = objectBody(body);
  const issues = new Issues();
  const given = (field: string) => input[field] !== undefined && input[field] !== null;

  let code: string | undefined;
  if (!given('code')) issues.add('code', 'is required');
  else if (typeof input.code !== 'string' || !CODE.test(input.code.trim().toUpperCase())) {
    issues.add('code', 'must be 3–32 characters of A-Z, 0-9 and -');
  } else code = input.code.trim().toUpperCase();

  let percentOff: number | undefined;
  let amountOffCents: number | undefined;
  if (given('percentOff') === given('amountOff')) {
    issues.add('body', 'must contain exactly one of percentOff and amountOff');
  } else if (given('percentOff')) {
    const value = input.percentOff;
    percentOff =
      typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 100
        ? value
        : issues.add('percentOff', 'must be an integer from 1 to 100');
  } else {
    amountOffCents = amountField(issues, 'amountOff', input.amountOff);
  }

  let expiresAt: Date | undefined;
  if (given('expiresAt')) {
    const parsed = typeof input.expiresAt === 'string' ? new Date(input.expiresAt) : undefined;
    expiresAt =
      parsed && !Number.isNaN(parsed.getTime()) ? parsed : issues.add('expiresAt', 'must be an ISO 8601 date-time');
  }
  const minSubtotalCents = given('minSubtotal')
    ? amountField(issues, 'minSubtotal', input.minSubtotal, { allowZero: true })
    : undefined;
  issues.throwIfAny();
  return {
    code: code!,
    percentOff: percentOff ?? null,
    amountOffCents: amountOffCents ?? null,
    expiresAt: expiresAt ?? null,
    minSubtotalCents: minSubtotalCents ?? null,
  };
}

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
