import type { FormObject, FormValue } from './form-body';
import { invalidParam, missingParam, unknownParam } from './stripe-errors';

/**
 * Typed readers for form parameters, with Stripe's messages for the mistakes
 * (`Missing required param: amount.`, `Invalid integer: abc`).
 */

export function optionalString(params: FormObject, name: string): string | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidParam(name, `Invalid string: ${name} must be a string, not a hash or an array`);
  return value;
}

export function requiredString(params: FormObject, name: string): string {
  const value = optionalString(params, name);
  if (value === undefined || value === '') throw missingParam(name);
  return value;
}

export function optionalInteger(params: FormObject, name: string, min: number): number | undefined {
  const raw = optionalString(params, name);
  if (raw === undefined) return undefined;
  if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) throw invalidParam(name, `Invalid integer: ${raw}`, 'parameter_invalid_integer');
  const value = Number(raw);
  if (value < min) throw invalidParam(name, `This value must be greater than or equal to ${min}.`, 'parameter_invalid_integer');
  return value;
}

export function requiredInteger(params: FormObject, name: string, min: number): number {
  const value = optionalInteger(params, name, min);
  if (value === undefined) throw missingParam(name);
  return value;
}

export function optionalBoolean(params: FormObject, name: string): boolean | undefined {
  const raw = optionalString(params, name);
  if (raw === undefined) return undefined;
  if (raw !== 'true' && raw !== 'false') throw invalidParam(name, `Invalid boolean: ${raw}`);
  return raw === 'true';
}

const METADATA_MAX_KEYS = 50;
const METADATA_KEY_MAX = 40;
const METADATA_VALUE_MAX = 500;

/** `metadata[key]=value` pairs, with Stripe's limits; an empty string unsets a key (`metadata=` clears all). */
export function optionalMetadata(params: FormObject, name = 'metadata'): Record<string, string> | undefined {
  const value: FormValue | undefined = params[name];
  if (value === undefined) return undefined;
  if (value === '') return {};
  if (typeof value === 'string' || Array.isArray(value)) throw invalidParam(name, 'Invalid object: metadata must be a hash of string keys and values');
  const metadata: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'string') throw invalidParam(`${name}[${key}]`, 'Invalid string: metadata values must be strings');
    if (key.length > METADATA_KEY_MAX) throw invalidParam(`${name}[${key}]`, `Metadata keys can have up to ${METADATA_KEY_MAX} characters.`);
    if (entry.length > METADATA_VALUE_MAX) throw invalidParam(`${name}[${key}]`, `Metadata values can have up to ${METADATA_VALUE_MAX} characters.`);
    if (entry !== '') metadata[key] = entry;
  }
  if (Object.keys(metadata).length > METADATA_MAX_KEYS) throw invalidParam(name, `Metadata can have up to ${METADATA_MAX_KEYS} keys.`);
  return metadata;
}

/**
 * Rejects parameters the endpoint does not know, as Stripe does; `ignored` are real Stripe
 * parameters the gateway accepts without modelling them (e.g. `expand`).
 */
export function rejectUnknownParams(params: FormObject, known: readonly string[], ignored: readonly string[] = []): void {
  for (const name of Object.keys(params)) {
    if (!known.includes(name) && !ignored.includes(name)) throw unknownParam(name);
  }
}
