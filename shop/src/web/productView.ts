import type { Db } from '../db';
import { getProduct } from '../services/products';
import { hasReviewed, listReviews, mayReview } from '../services/reviews';
import type { User } from '../services/users';
import { productPage, type ProductPageExtras } from './pages';

/**
 * The product page with its reviews, and the review form when the visitor may write one (a delivered order of the
 * product, no review yet); `extras` adds an alert and a rejected form's values. PRODUCT_NOT_FOUND for an unknown id.
 */
export async function renderProductPage(
  db: Db,
  user: User | undefined,
  productId: string,
  extras: Pick<ProductPageExtras, 'errors' | 'form'> = { errors: [] },
): Promise<string> {
  const product = await getProduct(db, productId);
  const { data: reviews } = await listReviews(db, product.id);
  const canReview = !!user && (await mayReview(db, user.id, product.id)) && !(await hasReviewed(db, user.id, product.id));
  return productPage(user, product, { ...extras, reviews, canReview });
}
