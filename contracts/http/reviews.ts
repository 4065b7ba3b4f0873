import { Type, type Static } from 'typebox';
import { errorMessage, ref, strict, Timestamp, Uuid } from './common';

/** Reviews of a product (docs/API.md, "Reviews"). */

export const Review = Type.Object(
  {
    id: Uuid,
    productId: Uuid,
    userId: Uuid,
    authorName: Type.String({ description: "The author's current name" }),
    rating: Type.Integer({ minimum: 1, maximum: 5 }),
    comment: Type.String({ minLength: 1, maxLength: 2000 }),
    verified: Type.Boolean({ description: 'Always true: only a customer with a delivered order of the product may review it' }),
    createdAt: Timestamp,
  },
  { $id: 'Review', title: 'Review', ...strict },
);
export type Review = Static<typeof Review>;

export const ReviewList = Type.Object(
  {
    data: Type.Array(ref(Review), { description: 'Newest first' }),
    meta: Type.Object(
      {
        count: Type.Integer({ minimum: 0 }),
        averageRating: Type.Union([Type.Number({ minimum: 1, maximum: 5 }), Type.Null()], {
          description: 'Rounded to one decimal; null without reviews',
        }),
      },
      strict,
    ),
  },
  { $id: 'ReviewList', title: 'ReviewList', ...strict },
);
export type ReviewList = Static<typeof ReviewList>;

export const NewReview = Type.Object(
  {
    rating: Type.Integer({ minimum: 1, maximum: 5, ...errorMessage('must be an integer from 1 to 5') }),
    comment: Type.String({ description: '1–2000 characters after trimming (line breaks allowed)' }),
  },
  { $id: 'NewReview', title: 'NewReview' },
);
export type NewReview = Static<typeof NewReview>;
