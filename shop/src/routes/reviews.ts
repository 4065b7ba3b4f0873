import { errorResponse, NewReview, ProductParams, ref, response, Review, ReviewList } from '../../../contracts/http';
import type { ShopContext } from '../context';
import type { ApiApp } from '../server';
import { createReview, listReviews, reviewOf } from '../services/reviews';
import { accessHooks, BEARER, callerOf } from './access';
import { BODY_ERRORS, BODY_PARSER_ERRORS, TOKEN_ERRORS } from './responses';

const tags = ['reviews'];

/** docs/API.md, "Reviews". */
export function registerReviewRoutes(app: ApiApp, context: ShopContext): void {
  const access = accessHooks(context);

  app.get(
    '/api/products/:id/reviews',
    {
      schema: {
        tags,
        operationId: 'listReviews',
        summary: "A product's reviews, newest first, with their count and average",
        params: ProductParams,
        response: { 200: response('The reviews', ref(ReviewList)), 404: errorResponse('PRODUCT_NOT_FOUND') },
      },
    },
    async (request) => listReviews(context.pool, request.params.id),
  );

  app.post(
    '/api/products/:id/reviews',
    {
      preValidation: access.user,
      schema: {
        tags,
        operationId: 'createReview',
        summary: 'Review a product the caller has a delivered order of',
        description: 'Checked in this order: the body (400), the product (404), the purchase (403), the duplicate (409).',
        security: BEARER,
        params: ProductParams,
        body: ref(NewReview),
        response: {
          201: response('The review', ref(Review)),
          400: errorResponse(...BODY_ERRORS),
          ...TOKEN_ERRORS,
          403: errorResponse('REVIEW_NOT_ALLOWED'),
          404: errorResponse('PRODUCT_NOT_FOUND'),
          409: errorResponse('ALREADY_REVIEWED'),
          ...BODY_PARSER_ERRORS,
        },
      },
    },
    async (request, reply) => {
      const review = await createReview(context.pool, callerOf(request), request.params.id, reviewOf(request.body));
      return reply.code(201).send(review);
    },
  );
}
