import type { FormObject } from './form-body';
import { invalidParam } from './stripe-errors';

/** How to show an expandable field's object in place of its id; undefined when the id names nothing. */
export type Expanders = Record<string, (id: string) => unknown>;

/** The `expand[]` parameter: a list of field names (Stripe also takes a single string). */
export function expandParam(params: FormObject, expandable: Expanders): string[] {
  const value = params.expand;
  if (value === undefined || value === '') return [];
  const fields = typeof value === 'string' ? [value] : Array.isArray(value) ? value : undefined;
  if (!fields || fields.some((field) => typeof field !== 'string')) throw invalidParam('expand', 'Invalid array: expand must be a list of field names');
  for (const field of fields as string[]) {
    if (!Object.hasOwn(expandable, field)) throw invalidParam('expand', `This property cannot be expanded (${field}).`);
  }
  return fields as string[];
}

/** A copy of `object` with each field in `fields` that holds an id replaced by the object it names. */
export function expanded<T extends object>(object: T, fields: string[], expandable: Expanders): T {
  if (fields.length === 0) return object;
  const copy = { ...object } as Record<string, unknown>;
  for (const field of fields) {
    const id = copy[field];
    if (typeof id === 'string') copy[field] = expandable[field](id) ?? id;
  }
  return copy as T;
}
