/** A page of a listing as the API answers it (GET /api/products, GET /api/audit-log): data, meta and links. */
export interface Paged<T> {
  data: T[];
  meta: { page: number; pageSize: number; totalItems: number; totalPages: number };
  links: { first: string; prev: string | null; next: string | null; last: string };
}

/**
 * `basePath?<the caller's filters>&page=N` for each link, so every link keeps the filters of the page it came from.
 * A page past the last links back to the last one.
 */
export function paged<T, Q extends { page: number }>(
  data: T[],
  totalItems: number,
  query: Q,
  pageSize: number,
  link: { basePath: string; filters: ReadonlyArray<keyof Q & string> },
): Paged<T> {
  const totalPages = Math.ceil(totalItems / pageSize);
  const lastPage = Math.max(totalPages, 1);
  const to = (page: number) => {
    const params = new URLSearchParams();
    for (const field of link.filters) {
      const value = query[field];
      if (value !== undefined) params.set(field, String(value));
    }
    params.set('page', String(page));
    return `${link.basePath}?${params}`;
  };
  return {
    data,
    meta: { page: query.page, pageSize, totalItems, totalPages },
    links: {
      first: to(1),
      prev: query.page > 1 ? to(Math.min(query.page - 1, lastPage)) : null,
      next: query.page < totalPages ? to(query.page + 1) : null,
      last: to(lastPage),
    },
  };
}
