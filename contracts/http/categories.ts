import { Type, type Static } from 'typebox';
import { errorMessage, ref, strict, Uuid } from './common';

/** Categories (docs/API.md, "Categories and products"). */

export const SLUG_PATTERN = '^[a-z0-9]+(?:-[a-z0-9]+)*$';

export const Category = Type.Object(
  {
    id: Uuid,
    slug: Type.String({ pattern: SLUG_PATTERN, minLength: 1, maxLength: 100, examples: ['home-garden'] }),
    name: Type.String({ minLength: 1, maxLength: 100 }),
  },
  { $id: 'Category', title: 'Category', ...strict },
);
export type Category = Static<typeof Category>;

export const CategoryList = Type.Object(
  { data: Type.Array(ref(Category), { description: 'By name' }) },
  { $id: 'CategoryList', title: 'CategoryList', ...strict },
);
export type CategoryList = Static<typeof CategoryList>;

export const NewCategory = Type.Object(
  {
    name: Type.String({
      description: '1–100 characters after trimming, one line; without a slug it must contain a letter or digit to derive one from',
    }),
    slug: Type.Optional(
      Type.String({
        pattern: SLUG_PATTERN,
        maxLength: 100,
        description: 'Derived from the name when absent (`Café & Tools` → `cafe-tools`)',
        ...errorMessage('must be 1–100 lower-case letters, digits and single hyphens, like "home-garden"'),
      }),
    ),
  },
  { $id: 'NewCategory', title: 'NewCategory' },
);
export type NewCategory = Static<typeof NewCategory>;

export const CategoryParams = Type.Object({
  id: Type.String({ description: "The category's id (a UUID); an unknown or malformed id is a 404" }),
});
