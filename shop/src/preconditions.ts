/**
 * Optimistic locking over HTTP (docs/API.md, "Product versions"): a version is sent as a strong ETag, and a change
 * names the version it was made against in If-Match.
 */

/** What an If-Match allows: `*` (whatever version the resource is at), or the versions its entity tags name. */
export type Precondition = { kind: 'any' } | { kind: 'versions'; versions: number[] };

export const etagOf = (version: number): string => `"${version}"`;

const ENTITY_TAGS = /(W\/)?"([^"]*)"/g;

/**
 * If-Match as the route's schema let it through (`*` or a list of entity tags); undefined when absent. A weak tag or
 * one the shop never wrote names no version (If-Match compares strongly), so it can only fail.
 */
export function preconditionOf(ifMatch: string | undefined): Precondition | undefined {
  if (ifMatch === undefined) return undefined;
  if (ifMatch.trim() === '*') return { kind: 'any' };
  const versions = [...ifMatch.matchAll(ENTITY_TAGS)]
    .filter(([, weak, opaque]) => weak === undefined && /^[1-9][0-9]{0,8}$/.test(opaque))
    .map(([, , opaque]) => Number(opaque));
  return { kind: 'versions', versions };
}
