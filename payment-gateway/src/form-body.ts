import { invalidParam } from './stripe-errors';

/**
 * A form-encoded body as the Stripe SDK writes it: `amount=100&metadata[orderId]=o_1&expand[0]=x`
 * becomes `{ amount: "100", metadata: { orderId: "o_1" }, expand: ["x"] }`. Every leaf stays a
 * string; the endpoint decides what type it needs, as Stripe does.
 */
export type FormValue = string | FormObject | FormValue[];
export interface FormObject {
  [key: string]: FormValue;
}

const UNSAFE_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);

/** `a[b][0]` → ['a', 'b', '0']; null when the brackets do not nest properly. */
function keyPath(key: string): string[] | null {
  const head = key.match(/^[^[\]]+/);
  if (!head) return null;
  const path = [head[0]];
  let rest = key.slice(head[0].length);
  while (rest.length > 0) {
    const segment = rest.match(/^\[([^[\]]*)\]/);
    if (!segment) return null;
    path.push(segment[1]);
    rest = rest.slice(segment[0].length);
  }
  // Names that reach Object.prototype would let a body change every object of the process.
  return path.some((segment) => UNSAFE_SEGMENTS.has(segment)) ? null : path;
}

function isIndex(segment: string): boolean {
  return segment === '' || /^\d+$/.test(segment);
}

export function parseFormBody(body: string): FormObject {
  const root: FormObject = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = keyPath(key);
    if (!path) throw invalidParam(key, `Invalid parameter name: ${key}`);
    let node: FormObject = root;
    for (let i = 0; i < path.length - 1; i++) {
      const child = node[path[i]];
      if (typeof child === 'string') throw invalidParam(path.slice(0, i + 1).join('.'), `Invalid parameter: ${key} mixes a value and a hash`);
      node = (node[path[i]] = child ?? {}) as FormObject;
    }
    const leaf = path[path.length - 1];
    // `expand[]=a&expand[]=b` appends; indexed keys keep their place.
    node[leaf === '' ? String(Object.keys(node).length) : leaf] = value;
  }
  return arraysFromIndexedObjects(root) as FormObject;
}

/** Objects whose keys are all indexes (`{ "0": "a", "1": "b" }`) become arrays, in index order. */
function arraysFromIndexedObjects(value: FormValue): FormValue {
  if (typeof value === 'string' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  const converted: FormObject = {};
  for (const key of keys) converted[key] = arraysFromIndexedObjects(value[key]);
  if (keys.length > 0 && keys.every(isIndex)) {
    return keys.sort((a, b) => Number(a) - Number(b)).map((key) => converted[key]);
  }
  return converted;
}
