import { Type, type Static, type TSchema, type TSchemaOptions, type TUnsafe } from 'typebox';

/**
 * The building blocks the resource modules share. Every schema here is plain JSON Schema (2020-12, the dialect of
 * OpenAPI 3.1): TypeBox only builds it and gives it a static type.
 */

/**
 * The message of the `VALIDATION_ERROR` detail a request field gets when it breaks its schema in any way but being
 * missing (that is always `is required`). An OpenAPI extension keyword: validators that do not know it ignore it.
 */
export const ERROR_MESSAGE_KEYWORD = 'x-error-message';

export const errorMessage = (message: string) => ({ [ERROR_MESSAGE_KEYWORD]: message });

/**
 * A reference to a named schema (`{ "$ref": "<$id>" }`), typed as the schema itself. Named schemas are the document's
 * components: the OpenAPI document lists each once and points at it.
 */
export function ref<T extends TSchema>(schema: T, options: TSchemaOptions = {}): TUnsafe<Static<T>> {
  const id = (schema as { $id?: unknown }).$id;
  if (typeof id !== 'string') throw new Error('ref() needs a schema with an $id');
  return Type.Unsafe<Static<T>>({ ...options, $ref: id });
}

/** A scalar schema that also allows null (`"type": ["string", "null"]`), keeping its other keywords. */
export function orNull<T extends TSchema>(schema: T): TUnsafe<Static<T> | null> {
  const { type, ...rest } = schema as TSchema & { type?: unknown };
  if (typeof type !== 'string') throw new Error('orNull() takes a schema with one type; use Type.Union with Type.Null() for others');
  return Type.Unsafe<Static<T> | null>({ ...rest, type: [type, 'null'] });
}

/** Object schemas of what the shop answers: every field always there, nothing else. */
export const strict = { additionalProperties: false } as const;

export const Uuid = Type.String({ format: 'uuid' });
export const Timestamp = Type.String({ format: 'date-time', description: 'ISO 8601, UTC, e.g. 2030-01-31T12:00:00.000Z' });
export const Money = Type.Number({ description: 'US dollars, at most two decimals' });
export const Currency = Type.Literal('USD');

export const DependencyState = Type.Enum(['up', 'down'], {
  $id: 'DependencyState',
  title: 'DependencyState',
  description: '`up` when the dependency answered the probe within a second, else `down`',
});
export type DependencyState = Static<typeof DependencyState>;

export const Health = Type.Object(
  {
    status: Type.Enum(['ok', 'degraded'], {
      description: '`ok` when every dependency is up (answered with 200), else `degraded` (answered with 503)',
    }),
    dependencies: Type.Object(
      { postgres: ref(DependencyState), kafka: ref(DependencyState), smtp: ref(DependencyState) },
      { description: 'Each dependency as the shop sees it right now', ...strict },
      ),
    paymentProvider: Type.Object(
      {
        breaker: Type.Enum(['closed', 'open', 'half-open'], {
          description:
            "The payment provider's circuit: `open` after consecutive failed calls (payments answer 503 without calling it), " +
            '`half-open` while one trial call runs after the cool-down, `closed` otherwise',
        }),
      },
      strict,
    ),
    cache: Type.Object(
      {
        state: Type.Enum(['up', 'down', 'off'], {
          description:
            'The catalog cache (Redis): `up` when it answered a PING within a second, `down` when not, `off` without REDIS_URL. ' +
            'Not a dependency: the shop serves from Postgres without it, so it never makes the status `degraded`',
        }),
      },
      strict,
    ),
  },
  { $id: 'Health', title: 'Health', ...strict },
);
export type Health = Static<typeof Health>;

/** Response headers, as @fastify/swagger takes them: `headers` next to a response's schema. */
export const Headers = {
  location: (path: string) => ({ Location: Type.String({ description: `Where the resource is: \`${path}\`` }) }),
  cacheControl: (value: string) => ({ 'Cache-Control': Type.Literal(value) }),
  etag: { ETag: Type.String({ description: 'A strong validator of the representation; send it back as If-None-Match' }) },
  retryAfter: {
    'Retry-After': Type.String({ pattern: '^[0-9]+$', description: 'Whole seconds until the lock ends' }),
  },
  retryLater: {
    'Retry-After': Type.String({ pattern: '^[0-9]+$', description: 'Whole seconds to wait before trying again' }),
  },
  /** docs/API.md, "Caching": where a catalog read's answer came from. */
  cache: {
    'X-Cache': Type.Union([Type.Literal('hit'), Type.Literal('miss'), Type.Literal('stale'), Type.Literal('bypass')], {
      description:
        '`hit`: from the catalog cache; `miss`: read from the database and cached; `bypass`: read from the database, the ' +
        'cache being down or off; `stale`: the database is unreachable, so this is the last copy the cache kept, as old as `Age` says',
    }),
    // `x-optional`: sent only sometimes; the shop's OpenAPI document marks such a header `required: false`.
    Age: Type.String({ pattern: '^[0-9]+$', description: 'Only with `X-Cache: stale`: seconds since the copy was cached', 'x-optional': true }),
  },
  correlationId: {
    'X-Correlation-Id': Type.String({
      format: 'uuid',
      description: "The request's own X-Correlation-Id when it is a UUID, else a new one; its events carry it too",
    }),
  },
};

/** A response with a body: its schema (a `ref` to a named one, usually), what it means and its headers. */
export function response<T extends TSchema>(description: string, body: T, headers: Record<string, TSchema> = {}) {
  return withHeaders(Type.Unsafe<Static<T>>({ ...body, description }), headers);
}

/** A response that also sends these headers. */
export function withHeaders<T extends TSchema>(answer: T, headers: Record<string, TSchema>): T {
  return Object.keys(headers).length === 0 ? answer : ({ ...answer, headers } as T);
}

/** A response without a body (204, 304); `type: null` is how @fastify/swagger says so. */
export function emptyResponse(description: string, headers: Record<string, TSchema> = {}) {
  return withHeaders(Type.Unsafe<undefined>({ type: 'null', description }), headers);
}

/** The query parameters of a paged listing: `page` (from 1) and `pageSize` (1-100, 20 by default). */
export const PAGE_QUERY = {
  page: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: Number.MAX_SAFE_INTEGER,
      default: 1,
      description: 'A page past the last has empty data',
      ...errorMessage('must be an integer greater than or equal to 1'),
    }),
  ),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20, ...errorMessage('must be an integer from 1 to 100') })),
};

/** A page of a listing: `data` of `item`, with `meta` (page, size, totals) and `links` that keep the filters of `path`. */
export function pageOf<T extends TSchema>(item: T, options: { $id: string; path: string; dataDescription?: string }) {
  const pageLink = Type.String({ description: `A path with the same filters: \`${options.path}?...&page=N\`` });
  return Type.Object(
    {
      data: Type.Array(ref(item), options.dataDescription ? { description: options.dataDescription } : {}),
      meta: Type.Object(
        {
          page: Type.Integer({ minimum: 1 }),
          pageSize: Type.Integer({ minimum: 1, maximum: 100 }),
          totalItems: Type.Integer({ minimum: 0 }),
          totalPages: Type.Integer({ minimum: 0 }),
        },
        strict,
      ),
      links: Type.Object(
        {
          first: pageLink,
          prev: orNull(Type.String({ description: 'null on the first page' })),
          next: orNull(Type.String({ description: 'null on the last page' })),
          last: pageLink,
        },
        strict,
      ),
    },
    { $id: options.$id, title: options.$id, ...strict },
  );
}

