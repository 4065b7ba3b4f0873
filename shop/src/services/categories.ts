import { isUniqueViolation, type Db } from '../db';
import { categoryExists, categoryNotFound } from '../errors';
import type * as Http from '../../../contracts/http';
import { isUuid, textProblem, type InputCheck } from '../validation';

/** A Category as the API shows it: the contract's type (contracts/http). */
export type Category = Http.Category;

export interface NewCategory {
  name: string;
  slug: string;
}

const SLUG_MAX = 100;

/** "Home & Garden" → "home-garden": accents dropped, anything else between words becomes one hyphen. */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, SLUG_MAX)
    .replace(/-+$/, '');
}

/** The name's length once trimmed, and a slug to derive from it when none is given (the schema checks a given one). */
export const checkNewCategory: InputCheck<Http.NewCategory> = (category, issues) => {
  issues.check(category, 'name', textProblem(1, 100));
  if (category.slug === undefined && issues.accepted(category, 'name') && slugify(category.name) === '') {
    issues.add('name', 'must contain a letter or digit to derive a slug from');
  }
};

export const newCategoryOf = (category: Http.NewCategory): NewCategory => ({
  name: category.name.trim(),
  slug: category.slug ?? slugify(category.name.trim()),
});

export async function listCategories(db: Db): Promise<Category[]> {
  const { rows } = await db.query<Category>('SELECT id, slug, name FROM categories ORDER BY name, slug');
  return rows;
}

export async function getCategory(db: Db, id: string): Promise<Category> {
  if (!isUuid(id)) throw categoryNotFound();
  const { rows } = await db.query<Category>('SELECT id, slug, name FROM categories WHERE id = $1', [id]);
  if (!rows[0]) throw categoryNotFound();
  return rows[0];
}

export async function findCategoryIdBySlug(db: Db, slug: string): Promise<string | undefined> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM categories WHERE slug = $1', [slug]);
  return rows[0]?.id;
}

export async function createCategory(db: Db, category: NewCategory): Promise<Category> {
  try {
    const { rows } = await db.query<Category>(
      'INSERT INTO categories (slug, name) VALUES ($1, $2) RETURNING id, slug, name',
      [category.slug, category.name],
    );
    return rows[0];
  } catch (error) {
    if (isUniqueViolation(error, 'categories_slug_key')) throw categoryExists();
    throw error;
  }
}
