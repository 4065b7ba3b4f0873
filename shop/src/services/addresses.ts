import { Issues, objectBody, textField } from '../validation';

export const COUNTRIES = ['US', 'CA', 'GB', 'DE', 'FR', 'NL'] as const;
export type Country = (typeof COUNTRIES)[number];

export interface ShippingAddress {
  name: string;
  line1: string;
  line2: string | null;
  city: string;
  postalCode: string;
  country: Country;
}

/** Postal codes as each country writes them; GB is the general shape of a UK postcode (outward and inward code). */
const POSTAL_CODES: Record<Country, { pattern: RegExp; example: string }> = {
  US: { pattern: /^\d{5}(-\d{4})?$/, example: '12345 or 12345-6789' },
  CA: { pattern: /^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d$/i, example: 'K1A 0B1' },
  GB: { pattern: /^(GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})$/i, example: 'SW1A 1AA' },
  DE: { pattern: /^\d{5}$/, example: '10115' },
  FR: { pattern: /^\d{5}$/, example: '75001' },
  NL: { pattern: /^[1-9]\d{3} ?[A-Z]{2}$/i, example: '1234 AB' },
};

const isCountry = (value: unknown): value is Country => (COUNTRIES as readonly unknown[]).includes(value);

/** `{ name, line1, line2?, city, postalCode, country }`, one issue per bad field; line2 may be absent or empty. */
export function parseShippingAddress(body: unknown): ShippingAddress {
  const input = objectBody(body);
  const issues = new Issues();
  const required = (field: string) =>
    input[field] === undefined || input[field] === null ? issues.add(field, 'is required') : input[field];

  const name = required('name') !== undefined ? textField(issues, 'name', input.name, 1, 100) : undefined;
  const line1 = required('line1') !== undefined ? textField(issues, 'line1', input.line1, 1, 100) : undefined;
  const line2 =
    input.line2 === undefined || input.line2 === null || input.line2 === ''
      ? null
      : textField(issues, 'line2', input.line2, 1, 100);
  const city = required('city') !== undefined ? textField(issues, 'city', input.city, 1, 100) : undefined;

  let country: Country | undefined;
  if (required('country') !== undefined) {
    const given = typeof input.country === 'string' ? input.country.trim().toUpperCase() : input.country;
    country = isCountry(given) ? given : issues.add('country', `must be one of ${COUNTRIES.join(', ')}`);
  }
  let postalCode: string | undefined;
  if (required('postalCode') !== undefined) {
    postalCode = textField(issues, 'postalCode', input.postalCode, 1, 20);
    if (postalCode !== undefined && country !== undefined) {
      const rule = POSTAL_CODES[country];
      postalCode = rule.pattern.test(postalCode)
        ? postalCode.toUpperCase()
        : issues.add('postalCode', `must be a valid postal code for ${country}, like ${rule.example}`);
    }
  }
  issues.throwIfAny();
  return { name: name!, line1: line1!, line2: line2 ?? null, city: city!, postalCode: postalCode!, country: country! };
}
