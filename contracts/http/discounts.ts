import { Type, type Static } from 'typebox';
import { errorMessage, orNull, strict } from './common';

/** Discount codes (docs/API.md, "Discount codes"). */

export const DiscountCode = Type.Object(
  {
    code: Type.String({ pattern: '^[A-Z0-9-]{3,32}$' }),
    percentOff: orNull(Type.Integer({ minimum: 1, maximum: 100 })),
    amountOff: orNull(Type.Number({ exclusiveMinimum: 0, description: 'US dollars, at most two decimals' })),
    expiresAt: orNull(Type.String({ format: 'date-time' })),
    minSubtotal: orNull(Type.Number({ minimum: 0, description: 'US dollars, at most two decimals' })),
  },
  { $id: 'DiscountCode', title: 'DiscountCode', description: 'Every field, null when not set', ...strict },
);
export type DiscountCode = Static<typeof DiscountCode>;

const amount = { maximum: 1_000_000, multipleOf: 0.01, description: 'US dollars, at most two decimals' };

export const NewDiscountCode = Type.Object(
  {
    code: Type.String({
      pattern: '^\\s*[A-Za-z0-9-]{3,32}\\s*$',
      description: '3–32 of A-Z, 0-9 and - (trimmed; stored upper-case, matched case-insensitively)',
      ...errorMessage('must be 3–32 characters of A-Z, 0-9 and -'),
    }),
    percentOff: Type.Optional(
      orNull(Type.Integer({ minimum: 1, maximum: 100, ...errorMessage('must be an integer from 1 to 100') })),
    ),
    amountOff: Type.Optional(orNull(Type.Number({ exclusiveMinimum: 0, ...amount }))),
    expiresAt: Type.Optional(
      orNull(
        Type.String({
          description: 'A date-time JavaScript can read, ISO 8601 preferably',
          ...errorMessage('must be an ISO 8601 date-time'),
        }),
      ),
    ),
    minSubtotal: Type.Optional(orNull(Type.Number({ minimum: 0, ...amount }))),
  },
  {
    $id: 'NewDiscountCode',
    title: 'NewDiscountCode',
    description: 'Exactly one of percentOff and amountOff (null counts as absent)',
  },
);
export type NewDiscountCode = Static<typeof NewDiscountCode>;
