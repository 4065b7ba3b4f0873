import { Type, type Static } from 'typebox';
import { Currency, errorMessage, orNull, PAGE_QUERY, pageOf, strict, Timestamp, Uuid } from './common';
import { SLUG_PATTERN } from './categories';

/** Products and the catalog listing (docs/API.md, "Categories and products" and "Listing"). */

export const SKU_PATTERN = '^[A-Z0-9-]{3,64}$';
export const MAX_PRICE = 1_000_000;
export const MAX_STOCK = 2_147_483_647;

export const Product = Type.Object(
  {
    id: Uuid,
    sku: Type.String({ pattern: SKU_PATTERN }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.String({ maxLength: 5000, description: '"" when not given' }),
    price: Type.Number({ exclusiveMinimum: 0, maximum: MAX_PRICE, description: 'US dollars, at most two decimals' }),
    currency: Currency,
    stock: Type.Integer({ minimum: 0, maximum: MAX_STOCK }),
    category: Type.Object({ slug: Type.String(), name: Type.String() }, strict),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    version: Type.Integer({
      minimum: 1,
      description:
        'Raised by every change of the product, stock moved by orders included; its ETag is this number in quotes ("3")',
    }),
  },
  { $id: 'Product', title: 'Product', ...strict },
);
export type Product = Static<typeof Product>;

export const ProductPage = pageOf(Product, { $id: 'ProductPage', path: '/api/products' });
export type ProductPage = Static<typeof ProductPage>;

// The request fields: what JSON Schema cannot say (lengths after trimming, one line, an existing category) is in
// their descriptions, and the shop checks it in the same pass as the schema.
const fields = {
  name: Type.String({ description: '1–200 characters after trimming, one line' }),
  description: orNull(
    Type.String({ description: 'At most 5000 characters after trimming (line breaks allowed); null or absent is ""' }),
  ),
  price: Type.Number({
    exclusiveMinimum: 0,
    maximum: MAX_PRICE,
    multipleOf: 0.01,
    description: 'US dollars, a JSON number (not a string) with at most two decimals',
  }),
  stock: Type.Integer({ minimum: 0, maximum: MAX_STOCK }),
  categorySlug: Type.String({
    pattern: SLUG_PATTERN,
    maxLength: 100,
    description: 'The slug of an existing category',
    ...errorMessage('must be a category slug'),
  }),
  sku: Type.String({
    pattern: SKU_PATTERN,
    description: 'Upper case as given; generated (`SKU-` and ten hex digits) when absent',
    ...errorMessage('must be 3–64 characters of A-Z, 0-9 and -'),
  }),
};

export const NewProduct = Type.Object(
  {
    name: fields.name,
    description: Type.Optional(fields.description),
    price: fields.price,
    stock: fields.stock,
    categorySlug: fields.categorySlug,
    sku: Type.Optional(fields.sku),
  },
  { $id: 'NewProduct', title: 'NewProduct' },
);
export type NewProduct = Static<typeof NewProduct>;

export const ProductChanges = Type.Object(
  {
    name: Type.Optional(fields.name),
    description: Type.Optional(fields.description),
    price: Type.Optional(fields.price),
    stock: Type.Optional(fields.stock),
    categorySlug: Type.Optional(fields.categorySlug),
    sku: Type.Optional(fields.sku),
  },
  { $id: 'ProductChanges', title: 'ProductChanges', description: 'Any non-empty subset of the fields of NewProduct' },
);
export type ProductChanges = Static<typeof ProductChanges>;

export const SORTS = ['newest', 'price_asc', 'price_desc'] as const;

const price = Type.Number({
  minimum: 0,
  description: 'Decimal digits, inclusive',
  ...errorMessage('must be a number greater than or equal to 0'),
});

/**
 * The listing's query. Values are trimmed, an empty one counts as absent (as a submitted filter form sends its
 * empty fields), one given twice is refused (`must be given once`), and unknown ones are ignored.
 */
export const ProductQuery = Type.Object(
  {
    ...PAGE_QUERY,
    category: Type.Optional(Type.String({ description: 'A category slug; an unknown one matches nothing' })),
    q: Type.Optional(
      Type.String({
        maxLength: 200,
        description: 'A case-insensitive substring of the name or the description (`%` and `_` match themselves)',
      }),
    ),
    minPrice: Type.Optional(price),
    maxPrice: Type.Optional(Type.Number({ ...price, description: 'Decimal digits, inclusive; at least minPrice' })),
    sort: Type.Optional(
      Type.Enum([...SORTS], {
        default: 'newest',
        description: 'newest: created_at descending; the others break ties the same way',
      }),
    ),
  },
  { $id: 'ProductQuery', title: 'ProductQuery' },
);
export type ProductQuery = Static<typeof ProductQuery>;

/** One entity tag as HTTP writes it, `"3"` or `W/"3"` (a weak one never matches: If-Match compares strongly). */
const ENTITY_TAG = '(W/)?"[\\x21\\x23-\\x7e\\x80-\\xff]*"';

/** A change of a product is conditional (docs/API.md, "Product versions"). */
export const ProductWriteHeaders = Type.Object({
  'If-Match': Type.Optional(
    Type.String({
      pattern: `^\\s*(\\*|${ENTITY_TAG}(\\s*,\\s*${ENTITY_TAG})*)\\s*$`,
      description:
        'The ETag the product was read with, or `*` for whatever version it is at. Missing: 428 PRECONDITION_REQUIRED; ' +
        'a version that no longer holds: 412 PRECONDITION_FAILED',
      ...errorMessage('must be * or entity tags from ETag, like "3"'),
    }),
  ),
});

/** The ETag header of an answer that carries a product's version. */
export const ProductEtag = {
  ETag: Type.String({
    pattern: '^"[0-9]+"$',
    description: "The product's version as a strong entity tag (`\"3\"`); send it back as If-Match to change the product",
  }),
};

export const ProductParams = Type.Object({
  id: Type.String({ description: "The product's id (a UUID); an unknown, deleted or malformed id is a 404" }),
});
