import { Type, type Static } from 'typebox';
import { errorMessage, orNull, PAGE_QUERY, pageOf, ref, strict, Timestamp } from './common';

/** The audit log: who changed what, for admins (docs/API.md, "Audit log"). */

export const AUDIT_ACTIONS = [
  'user.registered',
  'user.updated',
  'user.deleted',
  'login.failed',
  'login.locked',
  'product.created',
  'product.updated',
  'product.deleted',
  'order.status_changed',
  'order.refunded',
] as const;

export const AUDIT_ENTITY_TYPES = ['user', 'product', 'order'] as const;

export const AuditAction = Type.Enum([...AUDIT_ACTIONS], {
  $id: 'AuditAction',
  title: 'AuditAction',
  description: 'What was done; docs/API.md, "Audit log", says what each records',
});
export type AuditAction = Static<typeof AuditAction>;

const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/** One changed field: its value before and after (null where there was none), or only that a secret changed. */
const FieldChange = Type.Union([
  Type.Object({ before: Type.Unknown(), after: Type.Unknown() }, strict),
  Type.Object({ changed: Type.Literal(true) }, { ...strict, description: 'A password: only the fact that it changed' }),
]);

export const AuditEntry = Type.Object(
  {
    id: Type.Integer({ minimum: 1, description: 'Grows with every entry; breaks ties of occurredAt' }),
    occurredAt: Timestamp,
    actor: Type.Object(
      {
        kind: Type.Enum(['user', 'system'], {
          description: '`user`: a customer or an admin; `system`: the shop itself (a payment webhook, recovery, the start)',
        }),
        id: orNull(
          Type.String({ format: 'uuid', description: 'The user; null for the system, and for a login with an email that is no account' }),
        ),
      },
      strict,
    ),
    action: ref(AuditAction),
    entityType: Type.Enum([...AUDIT_ENTITY_TYPES]),
    entityId: orNull(Type.String({ format: 'uuid', description: 'null only for a login with an email that is no account' })),
    changes: Type.Record(Type.String(), FieldChange, {
      description: 'The changed fields only, by their API names: `{ field: { before, after } }`; a password as `{ changed: true }`',
    }),
    correlationId: Type.String({ format: 'uuid', description: 'The X-Correlation-Id of the request, or the id of the system’s own run' }),
  },
  { $id: 'AuditEntry', title: 'AuditEntry', ...strict },
);
export type AuditEntry = Static<typeof AuditEntry>;

export const AuditLogPage = pageOf(AuditEntry, { $id: 'AuditLogPage', path: '/api/audit-log', dataDescription: 'Newest first (occurredAt, then id, descending)' });
export type AuditLogPage = Static<typeof AuditLogPage>;

const uuidFilter = (description: string) =>
  Type.String({ pattern: UUID_PATTERN, description, ...errorMessage('must be a UUID') });

const instant = (description: string) =>
  Type.String({ format: 'date-time', description, ...errorMessage('must be an ISO 8601 date-time with a time zone') });

/** The listing's query: read as the catalog's (trimmed, empty is absent, once each, unknown ones ignored). */
export const AuditLogQuery = Type.Object(
  {
    ...PAGE_QUERY,
    entityType: Type.Optional(Type.Enum([...AUDIT_ENTITY_TYPES], errorMessage(`must be one of ${AUDIT_ENTITY_TYPES.join(', ')}`))),
    entityId: Type.Optional(uuidFilter('The entity the entries are about')),
    actorId: Type.Optional(uuidFilter('The user who acted')),
    action: Type.Optional(Type.Enum([...AUDIT_ACTIONS], errorMessage('must be an audit action, like user.updated'))),
    from: Type.Optional(instant('Entries at or after this instant')),
    to: Type.Optional(instant('Entries before this instant; after `from`')),
  },
  { $id: 'AuditLogQuery', title: 'AuditLogQuery' },
);
export type AuditLogQuery = Static<typeof AuditLogQuery>;
