import type { FastifyInstance } from 'fastify';
import { NoSchemaIntrospectionCustomRule } from 'graphql';
import mercurius from 'mercurius';
import type { ShopContext } from '../context';
import { unsupportedMediaType } from '../errors';
import { answerRequestError, formatExecutionErrors } from './errors';
import { costLimit, MAX_DEPTH, MAX_TOKENS } from './limits';
import { graphqlContext, LOADERS, RESOLVERS } from './resolvers';
import { SCHEMA } from './schema';

export const GRAPHQL_PATH = '/graphql';

/** application/json, or a type with a +json suffix, with or without parameters (as the /api routes take). */
const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** A GraphQL request as a JSON body (GraphQL over HTTP); checked like any /api body, VALIDATION_ERROR per field. */
const GRAPHQL_REQUEST = {
  type: 'object',
  required: ['query'],
  properties: {
    query: { type: 'string' },
    operationName: { type: ['string', 'null'] },
    variables: { type: ['object', 'null'] },
  },
};

interface GraphqlRequest {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

/**
 * POST /graphql (docs/API.md, "GraphQL"): Mercurius executes, the shop keeps the HTTP side. Only POST with a JSON
 * body: no GET (a query string cannot carry a mutation by mistake, nor a token into a log or a cache), no
 * application/graphql, no form. No GraphiQL, and no introspection: the schema is published as
 * contracts/graphql/schema.graphql instead. Depth, cost and size are limited before anything runs (limits.ts).
 */
export function registerGraphql(app: FastifyInstance, context: ShopContext): void {
  // On the app itself, so app.graphql.schema is the schema served (shop/scripts/graphql-schema.ts prints it).
  app.register(mercurius, {
    schema: SCHEMA,
    resolvers: RESOLVERS,
    loaders: LOADERS,
    routes: false,
    graphiql: false,
    queryDepth: MAX_DEPTH,
    validationRules: [NoSchemaIntrospectionCustomRule, costLimit],
    graphql: { parseOptions: { maxTokens: MAX_TOKENS } },
    errorFormatter: formatExecutionErrors as never,
  });

  app.register(async (scope) => {
    scope.setErrorHandler(answerRequestError);
    scope.addHook('preValidation', async (request) => {
      if (request.body === undefined) return;
      const type = request.headers['content-type'];
      if (typeof type !== 'string' || !JSON_MEDIA_TYPE.test(type)) throw unsupportedMediaType();
    });
    scope.post(GRAPHQL_PATH, { schema: { body: GRAPHQL_REQUEST } }, async (request, reply) => {
      const { query, variables, operationName } = request.body as GraphqlRequest;
      return reply.graphql(query, graphqlContext(context, request), variables ?? undefined, operationName ?? undefined);
    });
  });
}
