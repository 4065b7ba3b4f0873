import { COUNTRIES, type Country, type NewShippingAddress } from '../../../contracts/http';
import { textProblem, type InputCheck } from '../validation';

export { COUNTRIES, type Country };

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
const countryOf = (value: string): string => value.trim().toUpperCase();
const hasLine2 = (address: NewShippingAddress): address is NewShippingAddress & { line2: string } =>
  typeof address.line2 === 'string' && address.line2 !== '';

/** What the address schema cannot say: lengths once trimmed, the country in any case, the postal code for it. */
export const checkShippingAddress: InputCheck<NewShippingAddress> = (address, issues) => {
  for (const field of ['name', 'line1', 'city'] as const) issues.check(address, field, textProblem(1, 100));
  if (hasLine2(address)) issues.check(address, 'line2', textProblem(1, 100));
  issues.check(address, 'country', (country) =>
    isCountry(countryOf(country)) ? undefined : `must be one of ${COUNTRIES.join(', ')}`,
  );
  issues.check(address, 'postalCode', textProblem(1, 20));
  if (issues.accepted(address, 'postalCode', 'country')) {
    const country = countryOf(address.country) as Country;
    const rule = POSTAL_CODES[country];
    if (!rule.pattern.test(address.postalCode.trim())) {
      issues.add('postalCode', `must be a valid postal code for ${country}, like ${rule.example}`);
    }
  }
};

/** A valid address as it is stored: trimmed, country and postal code upper-cased, line2 null when absent or empty. */
export const shippingAddressOf = (address: NewShippingAddress): ShippingAddress => ({
  name: address.name.trim(),
  line1: address.line1.trim(),
  line2: hasLine2(address) ? address.line2.trim() : null,
  city: address.city.trim(),
  postalCode: address.postalCode.trim().toUpperCase(),
  country: countryOf(address.country) as Country,
});
