import { DiscountCode, errorResponse, NewDiscountCode, ref, response } from '../../../contracts/http';
import type { ShopContext } from '../context';
import type { ApiApp } from '../server';
import { createDiscountCode, newDiscountCodeOf } from '../services/discounts';
import { accessHooks, BEARER } from './access';
import { BODY_ERRORS, BODY_PARSER_ERRORS, TOKEN_ERRORS } from './responses';

/** docs/API.md, "Discount codes". */
export function registerDiscountRoutes(app: ApiApp, context: ShopContext): void {
  const access = accessHooks(context);

  app.post(
    '/api/discount-codes',
    {
      preValidation: access.admin,
      schema: {
        tags: ['discount codes'],
        operationId: 'createDiscountCode',
        summary: 'Create a discount code (admin)',
        security: BEARER,
        body: ref(NewDiscountCode),
        response: {
          201: response('The new code, every field, null when not set', ref(DiscountCode)),
          400: errorResponse(...BODY_ERRORS),
          ...TOKEN_ERRORS,
          403: errorResponse('FORBIDDEN'),
          409: errorResponse('DISCOUNT_CODE_EXISTS'),
          ...BODY_PARSER_ERRORS,
        },
      },
    },
    async (request, reply) => {
      const discount = await createDiscountCode(context.pool, newDiscountCodeOf(request.body));
      return reply.code(201).send(discount);
    },
  );
}
