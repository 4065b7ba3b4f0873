import { isUniqueViolation, type Db } from '../db';
import { alreadyReviewed, reviewNotAllowed } from '../errors';
import type * as Http from '../../../contracts/http';
import { textProblem, type InputCheck } from '../validation';
import { getProduct } from './products';
import type { User } from './users';

/** A Review as the API shows it: the contract's type (contracts/http). */
export type Review = Http.Review;

interface ReviewRow {
  id: string;
  product_id: string;
  user_id: string;
  author_name: string;
  rating: number;
  comment: string;
  verified: boolean;
  created_at: Date;
}

const toReview = (row: ReviewRow): Review => ({
  id: row.id,
  productId: row.product_id,
  userId: row.user_id,
  authorName: row.author_name,
  rating: row.rating,
  comment: row.comment,
  verified: row.verified,
  createdAt: row.created_at.toISOString(),
});

/** Reviews with their author's name, from `source` (the table, or a CTE of inserted rows). */
const selectReviews = (source: string) => `
  SELECT r.id, r.product_id, r.user_id, u.name AS author_name, r.rating, r.comment, r.verified, r.created_at
    FROM ${source} r JOIN users u ON u.id = r.user_id`;

/** The comment's length once trimmed (the schema checks the rating and that both are there). */
export const checkReview: InputCheck<Http.NewReview> = (review, issues) => {
  issues.check(review, 'comment', textProblem(1, 2000, { multiline: true }));
};

export const reviewOf = (review: Http.NewReview) => ({ rating: review.rating, comment: review.comment.trim() });

/** Only a customer with a delivered order containing the product may review it: every review is a verified purchase. */
export async function mayReview(db: Db, userId: string, productId: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `SELECT 1 FROM orders o JOIN order_items i ON i.order_id = o.id
      WHERE o.user_id = $1 AND o.status = 'delivered' AND i.product_id = $2 LIMIT 1`,
    [userId, productId],
  );
  return (rowCount ?? 0) > 0;
}

export async function hasReviewed(db: Db, userId: string, productId: string): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM reviews WHERE user_id = $1 AND product_id = $2', [userId, productId]);
  return (rowCount ?? 0) > 0;
}

export async function createReview(
  db: Db,
  user: User,
  productId: string,
  review: { rating: number; comment: string },
): Promise<Review> {
  await getProduct(db, productId);
  if (!(await mayReview(db, user.id, productId))) throw reviewNotAllowed();
  try {
    const { rows } = await db.query<ReviewRow>(
      `WITH r AS (
         INSERT INTO reviews (product_id, user_id, rating, comment, verified) VALUES ($1, $2, $3, $4, true) RETURNING *
       ) ${selectReviews('r')}`,
      [productId, user.id, review.rating, review.comment],
    );
    return toReview(rows[0]);
  } catch (error) {
    if (isUniqueViolation(error, 'reviews_product_id_user_id_key')) throw alreadyReviewed();
    throw error;
  }
}

export interface ReviewList {
  data: Review[];
  meta: { count: number; averageRating: number | null };
}

/** Newest first; the average is rounded to one decimal, null without reviews. */
export async function listReviews(db: Db, productId: string): Promise<ReviewList> {
  await getProduct(db, productId);
  const { rows } = await db.query<ReviewRow>(`${selectReviews('reviews')} WHERE r.product_id = $1 ORDER BY r.created_at DESC, r.id`, [
    productId,
  ]);
  const sum = rows.reduce((total, row) => total + row.rating, 0);
  return {
    data: rows.map(toReview),
    meta: { count: rows.length, averageRating: rows.length === 0 ? null : Math.round((sum / rows.length) * 10) / 10 },
  };
}
