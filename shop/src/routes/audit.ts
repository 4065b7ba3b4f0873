import { AuditLogPage, AuditLogQuery, errorResponse, ref, response } from '../../../contracts/http';
import type { ShopContext } from '../context';
import type { ApiApp } from '../server';
import { auditLogQueryOf, listAuditLog } from '../services/auditLog';
import { accessHooks, BEARER } from './access';
import { TOKEN_ERRORS } from './responses';

const PAGE_SIZE = 20;

/** docs/API.md, "Audit log". */
export function registerAuditRoutes(app: ApiApp, context: ShopContext): void {
  const access = accessHooks(context);

  app.get(
    '/api/audit-log',
    {
      preValidation: access.admin,
      schema: {
        tags: ['audit'],
        operationId: 'listAuditLog',
        summary: 'Who changed what: a page of the audit log, newest first (admin)',
        description:
          'Each entry is one audited action, written in the transaction of the change: its actor (a user, or the ' +
          'system), the entity, the changed fields before and after (a password only as changed) and the correlation id.',
        security: BEARER,
        querystring: AuditLogQuery,
        response: {
          200: response('The page', ref(AuditLogPage)),
          400: errorResponse('VALIDATION_ERROR'),
          ...TOKEN_ERRORS,
          403: errorResponse('FORBIDDEN'),
        },
      },
    },
    async (request) =>
      listAuditLog(context.pool, auditLogQueryOf(request.query), { basePath: '/api/audit-log', defaultPageSize: PAGE_SIZE }),
  );
}
