import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';
import type { Static, TSchema } from 'typebox';
import * as Http from '../../contracts/http';
import { validationError, type AppError, type FieldIssue } from './errors';
import { checkShippingAddress } from './services/addresses';
import { checkAuditLogQuery } from './services/auditLog';
import { checkNewCategory } from './services/categories';
import { checkNewOrder } from './services/checkout';
import { checkNewDiscountCode } from './services/discounts';
import { checkShipment } from './services/orders';
import { checkProductQuery } from './services/productListing';
import { checkProductChanges, checkProductFields } from './services/products';
import { checkReview } from './services/reviews';
import { checkCredentials } from './services/sessions';
import { checkUserChanges, checkUserFields } from './services/users';
import { Issues, type InputCheck } from './validation';

/**
 * Requests are validated against the route schemas of contracts/http, and the answer to an invalid one is the
 * shop's `400 VALIDATION_ERROR` with one `details` entry per bad field. The schema's findings and the rules it cannot
 * express (InputCheck, by schema id below) are gathered in one pass, so a field the schema accepts but the code
 * refuses still gets its entry next to the others.
 *
 * One Ajv (JSON Schema 2020-12, the dialect of OpenAPI 3.1) serves every part of a request. It never coerces or
 * removes anything: a quantity of "2" stays a string and is refused. Query strings are the exception HTTP forces,
 * see normalizeQuery.
 */
const ajv = new Ajv2020({
  allErrors: true,
  verbose: true,
  strict: true,
  allowUnionTypes: true,
  // `multipleOf: 0.01` ("at most two decimals") with a tolerance, since 19.99 / 0.01 is 1998.9999999999998.
  multipleOfPrecision: 6,
});
addFormats(ajv);
ajv.addKeyword({ keyword: Http.ERROR_MESSAGE_KEYWORD, schemaType: 'string' });
for (const schema of Http.NAMED_SCHEMAS) ajv.addSchema(schema);

/** The rules each request schema cannot express, by the schema's $id. */
const CHECKS: Record<string, InputCheck<never>> = {
  [id(Http.NewUser)]: checkUserFields,
  [id(Http.UserChanges)]: checkUserChanges,
  [id(Http.Credentials)]: checkCredentials,
  [id(Http.NewCategory)]: checkNewCategory,
  [id(Http.NewProduct)]: checkProductFields,
  [id(Http.ProductChanges)]: checkProductChanges,
  [id(Http.ProductQuery)]: checkProductQuery,
  [id(Http.NewReview)]: checkReview,
  [id(Http.NewDiscountCode)]: checkNewDiscountCode,
  [id(Http.NewShippingAddress)]: checkShippingAddress,
  [id(Http.NewOrder)]: checkNewOrder,
  [id(Http.Shipment)]: checkShipment,
  [id(Http.AuditLogQuery)]: checkAuditLogQuery,
};

function id(schema: TSchema): string {
  return (schema as { $id?: string }).$id!;
}

export type RequestPart = 'body' | 'querystring' | 'params' | 'headers';

/** How a detail names the part as a whole, when it is not an object at all. */
const WHOLE_PART: Record<RequestPart, string> = { body: 'body', querystring: 'query', params: 'params', headers: 'headers' };

/** Fastify's protocol: `{ error }`, `{ value }` to replace the request's part, or true to keep it as it is. */
type Validation = { value: unknown } | { error: AppError } | true;

interface ObjectSchema {
  properties?: Record<string, { type?: unknown }>;
  required?: string[];
}

/** The schema a route gave (an object schema, or a `$ref` to a named one) and the object schema it stands for. */
function resolve(schema: TSchema): { schemaId?: string; root: ObjectSchema } {
  const reference = (schema as { $ref?: unknown }).$ref;
  if (typeof reference !== 'string') return { schemaId: (schema as { $id?: string }).$id, root: schema as ObjectSchema };
  const named = ajv.getSchema(reference)?.schema;
  if (!named || typeof named !== 'object') throw new Error(`No schema named ${reference} in contracts/http`);
  return { schemaId: reference, root: named as ObjectSchema };
}

/**
 * A query string as HTTP gives it, read the way the shop always has: each value trimmed, an empty one absent (a
 * submitted filter form sends its empty fields), and decimal digits turned into the number a numeric parameter
 * takes (`^\d+$` for an integer, `^\d+(\.\d+)?$` for a number; anything else stays text, so `1e3`, `0x10` and `-1`
 * are refused). A parameter given twice stays a list, which no schema takes: `must be given once`.
 */
function normalizeQuery(query: unknown, root: ObjectSchema): Record<string, unknown> {
  const normalized: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    if (typeof raw !== 'string') {
      normalized[name] = raw;
      continue;
    }
    const value = raw.trim();
    if (value === '') continue;
    const type = root.properties?.[name]?.type;
    if (type === 'integer' && /^\d+$/.test(value)) normalized[name] = Number(value);
    else if (type === 'number' && /^\d+(\.\d+)?$/.test(value)) normalized[name] = Number(value);
    else normalized[name] = value;
  }
  return normalized;
}

/** Headers are named as HTTP writes them: `Idempotency-Key`, not `idempotency-key`. */
const headerName = (name: string): string => name.replace(/(^|-)([a-z])/g, (_match, dash: string, letter: string) => dash + letter.toUpperCase());

function fieldOf(error: ErrorObject, part: RequestPart): string | undefined {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (error.keyword === 'required') path.push(String(error.params.missingProperty));
  if (path.length === 0) return undefined;
  return part === 'headers' ? path.map(headerName).join('.') : path.join('.');
}

const TYPE_MESSAGES: Record<string, string> = {
  string: 'must be a string',
  number: 'must be a number',
  integer: 'must be an integer',
  boolean: 'must be true or false',
  array: 'must be an array',
  object: 'must be an object',
};

/** The message of a field's detail, in the shop's words: a phrase that follows the field name. */
function messageOf(error: ErrorObject, part: RequestPart, required: boolean): string {
  const { keyword, params, data } = error;
  if (keyword === 'required') return 'is required';
  // null counts as missing for a field that must be there.
  if (data === null && required) return 'is required';
  if (part === 'querystring' && Array.isArray(data)) return 'must be given once';
  const own = (error.parentSchema as Record<string, unknown> | undefined)?.[Http.ERROR_MESSAGE_KEYWORD];
  if (typeof own === 'string') return own;
  switch (keyword) {
    case 'type': {
      const types = String(params.type)
        .split(',')
        .filter((type) => type !== 'null');
      return TYPE_MESSAGES[types[0]] ?? `must be of type ${types.join(' or ')}`;
    }
    case 'minLength':
      return params.limit === 1 ? 'must not be empty' : `must be at least ${params.limit} characters`;
    case 'maxLength':
      return `must be at most ${params.limit} characters`;
    case 'minimum':
      return `must be greater than or equal to ${params.limit}`;
    case 'exclusiveMinimum':
      return `must be greater than ${params.limit}`;
    case 'maximum':
      return `must be at most ${params.limit}`;
    case 'exclusiveMaximum':
      return `must be less than ${params.limit}`;
    case 'multipleOf':
      return params.multipleOf === 0.01 ? 'must have at most two decimals' : `must be a multiple of ${params.multipleOf}`;
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(params.allowedValue)}`;
    case 'format':
      return `must be a valid ${params.format}`;
    default:
      return error.message ?? `is invalid (${keyword})`;
  }
}

/** When a field breaks several keywords, its detail is about the first of these (what the shop always checked first). */
const KEYWORD_ORDER = [
  'required',
  'type',
  'const',
  'enum',
  'exclusiveMinimum',
  'minimum',
  'maximum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'format',
];
const rank = (error: ErrorObject): number => {
  const index = KEYWORD_ORDER.indexOf(error.keyword);
  return index === -1 ? KEYWORD_ORDER.length : index;
};

/** Ajv's errors as one issue per field (the whole part, when it is not an object, is the only one). */
function schemaIssues(errors: ErrorObject[], part: RequestPart, root: ObjectSchema): FieldIssue[] {
  const whole = errors.find((error) => fieldOf(error, part) === undefined);
  if (whole) {
    const message = part === 'body' && whole.keyword === 'type' ? 'must be a JSON object' : messageOf(whole, part, true);
    return [{ field: WHOLE_PART[part], message }];
  }
  const first = new Map<string, ErrorObject>();
  for (const error of errors) {
    const field = fieldOf(error, part)!;
    const seen = first.get(field);
    if (!seen || rank(error) < rank(seen)) first.set(field, error);
  }
  const required = new Set(root.required ?? []);
  return [...first].map(([field, error]) => ({ field, message: messageOf(error, part, required.has(field)) }));
}

/** Details in the order of the schema's properties (the whole body first), so an answer reads like its request. */
function inSchemaOrder(issues: readonly FieldIssue[], root: ObjectSchema): FieldIssue[] {
  const order = Object.keys(root.properties ?? {});
  const position = (field: string) => (field === 'body' ? -1 : order.indexOf(field) === -1 ? order.length : order.indexOf(field));
  return [...issues].sort((a, b) => position(a.field) - position(b.field));
}

/** Node gives header names in lower case; a schema names them as HTTP writes them (`Idempotency-Key`). */
function withLowerCaseHeaders(schema: TSchema): TSchema {
  const { properties = {}, required = [], ...rest } = schema as ObjectSchema & Record<string, unknown>;
  return {
    ...rest,
    properties: Object.fromEntries(Object.entries(properties).map(([name, property]) => [name.toLowerCase(), property])),
    required: required.map((name) => name.toLowerCase()),
  } as TSchema;
}

/**
 * Postgres cannot store the NUL character in text (a 500 before this, found by Schemathesis in a discount code), and
 * no field of the shop means one: every string of every part is checked, one detail per field that holds one.
 */
function nulIssues(value: unknown, part: RequestPart, path: string[] = []): FieldIssue[] {
  if (typeof value === 'string') {
    if (!value.includes('\u0000')) return [];
    const field = path.length === 0 ? WHOLE_PART[part] : (part === 'headers' ? path.map(headerName) : path).join('.');
    return [{ field, message: 'must not contain the NUL character' }];
  }
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) => nulIssues(item, part, [...path, key]));
}

function compile(schema: TSchema, part: RequestPart): (data: unknown) => Validation {
  const { schemaId, root } = resolve(schema);
  const validate: ValidateFunction = ajv.compile(part === 'headers' ? withLowerCaseHeaders(schema) : schema);
  const check = schemaId === undefined ? undefined : (CHECKS[schemaId] as InputCheck<unknown> | undefined);
  return (data) => {
    const value = part === 'querystring' ? normalizeQuery(data, root) : data;
    const issues = new Issues(validate(value) ? [] : schemaIssues(validate.errors ?? [], part, root));
    for (const issue of nulIssues(value, part)) if (!issues.has(issue.field)) issues.add(issue.field, issue.message);
    const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
    if (check && isObject && !issues.has(WHOLE_PART[part])) check(value, issues);
    if (issues.all.length > 0) return { error: validationError(inSchemaOrder(issues.all, root)) };
    return part === 'querystring' ? { value } : true;
  };
}

const compiled = new WeakMap<TSchema, Map<RequestPart, (data: unknown) => Validation>>();

function validatorFor(schema: TSchema, part: RequestPart): (data: unknown) => Validation {
  const byPart = compiled.get(schema) ?? new Map<RequestPart, (data: unknown) => Validation>();
  compiled.set(schema, byPart);
  const known = byPart.get(part);
  if (known) return known;
  const validator = compile(schema, part);
  byPart.set(part, validator);
  return validator;
}

/**
 * Fastify's validator compiler for every route: an invalid part answers the VALIDATION_ERROR (Fastify stops at the
 * first invalid part: params, body, query, headers). A valid query string replaces request.query with its
 * normalized form; nothing else is changed.
 */
export const requestValidatorCompiler: FastifySchemaCompiler<FastifySchema> = ({ schema, httpPart }) =>
  validatorFor(schema as TSchema, (httpPart ?? 'body') as RequestPart);

/** The same validation for input that comes another way, e.g. the pages' forms: the valid input, or the VALIDATION_ERROR. */
export function validated<T extends TSchema>(schema: T, data: unknown, part: RequestPart = 'body'): Static<T> {
  const result = validatorFor(schema, part)(data);
  if (result === true) return data as Static<T>;
  if ('error' in result) throw result.error;
  return result.value as Static<T>;
}
