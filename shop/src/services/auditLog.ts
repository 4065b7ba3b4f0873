import { paged } from './paging';
import type * as Http from '../../../contracts/http';
import type { Db } from '../db';
import type { InputCheck } from '../validation';

/*
 * The audit log (docs/API.md, "Audit log"): one row per audited action, written by the service that makes the change,
 * on the client of the change's own transaction, so a change that fails or rolls back leaves no row.
 */

export type AuditAction = Http.AuditAction;
export type AuditEntityType = (typeof Http.AUDIT_ENTITY_TYPES)[number];

/** Who acted: a user (id null: someone not identified, a login with an email that is no account), or the shop itself. */
export type AuditActor = { kind: 'user'; id: string | null } | { kind: 'system' };

export const SYSTEM: AuditActor = { kind: 'system' };
export const userActor = (id: string | null): AuditActor => ({ kind: 'user', id });

/** Who causes a change, and the correlation id of what caused it (the request's id, or a system run's own). */
export interface Attribution {
  actor: AuditActor;
  correlationId: string;
}

/** One changed field: before and after (null where there was none), or only the fact that a secret changed. */
export type FieldChange = { before: unknown; after: unknown } | { changed: true };
export type AuditChanges = Record<string, FieldChange>;

/** What a password change records: never the password, never its hash. */
export const PASSWORD_CHANGED: FieldChange = { changed: true };

export interface AuditRecord {
  action: AuditAction;
  entityType: AuditEntityType;
  /** Null only for a login with an email that is no account. */
  entityId: string | null;
  changes: AuditChanges;
}

export async function recordAudit(db: Db, by: Attribution, record: AuditRecord): Promise<void> {
  await db.query(
    `INSERT INTO audit_log (actor_kind, actor_id, action, entity_type, entity_id, changes, correlation_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      by.actor.kind,
      by.actor.kind === 'user' ? by.actor.id : null,
      record.action,
      record.entityType,
      record.entityId,
      JSON.stringify(record.changes),
      by.correlationId,
    ],
  );
}

/** A value as JSON shows it, so a Date and its ISO string compare equal. */
const comparable = (value: unknown): unknown => (value instanceof Date ? value.toISOString() : (value ?? null));

/**
 * The fields of `fields` whose values differ between the two states (null: the entity did not exist, or no longer
 * does), as `{ field: { before, after } }`: the changed fields only.
 */
export function changesBetween<T extends object>(
  before: T | null,
  after: T | null,
  fields: readonly (keyof T & string)[],
): AuditChanges {
  const changes: AuditChanges = {};
  for (const field of fields) {
    const from = comparable(before?.[field]);
    const to = comparable(after?.[field]);
    if (JSON.stringify(from) !== JSON.stringify(to)) changes[field] = { before: from, after: to };
  }
  return changes;
}

// The listing, for admins: GET /api/audit-log.

interface AuditRow {
  id: string;
  occurred_at: Date;
  actor_kind: 'user' | 'system';
  actor_id: string | null;
  action: AuditAction;
  entity_type: AuditEntityType;
  entity_id: string | null;
  changes: AuditChanges;
  correlation_id: string;
}

const FILTERS = ['entityType', 'entityId', 'actorId', 'action', 'from', 'to'] as const;

/** A listing request; optional fields are the ones the caller gave, so links repeat exactly those. */
export type AuditLogQuery = Pick<Http.AuditLogQuery, (typeof FILTERS)[number] | 'pageSize'> & { page: number };

const EARLIEST = Date.parse('0001-01-02T00:00:00Z');
const LATEST = Date.parse('9999-12-30T00:00:00Z');

/** What the query's schema cannot say: an instant a clock can name, and the time range not upside down. */
export const checkAuditLogQuery: InputCheck<Http.AuditLogQuery> = (query, issues) => {
  // The format allows a leap second (23:59:60), which no clock here can name, and years Postgres cannot store.
  const instant = (value: string) => {
    const time = Date.parse(value);
    return time >= EARLIEST && time <= LATEST ? undefined : 'must be an ISO 8601 date-time with a time zone';
  };
  issues.check(query, 'from', instant);
  issues.check(query, 'to', instant);
  if (issues.accepted(query, 'from', 'to') && Date.parse(query.from!) >= Date.parse(query.to!)) {
    issues.add('to', 'must be later than from');
  }
};

export function auditLogQueryOf(query: Http.AuditLogQuery): AuditLogQuery {
  const { page = 1, pageSize, entityType, entityId, actorId, action, from, to } = query;
  return { page, pageSize, entityType, entityId: entityId?.toLowerCase(), actorId: actorId?.toLowerCase(), action, from, to };
}

function toEntry(row: AuditRow): Http.AuditEntry {
  return {
    id: Number(row.id),
    occurredAt: row.occurred_at.toISOString(),
    actor: { kind: row.actor_kind, id: row.actor_id },
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    changes: row.changes,
    correlationId: row.correlation_id,
  };
}

function whereClause(query: AuditLogQuery): { sql: string; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const bind = (value: unknown) => `$${params.push(value)}`;
  if (query.entityType !== undefined) conditions.push(`entity_type = ${bind(query.entityType)}`);
  if (query.entityId !== undefined) conditions.push(`entity_id = ${bind(query.entityId)}`);
  if (query.actorId !== undefined) conditions.push(`actor_id = ${bind(query.actorId)}`);
  if (query.action !== undefined) conditions.push(`action = ${bind(query.action)}`);
  if (query.from !== undefined) conditions.push(`occurred_at >= ${bind(new Date(query.from).toISOString())}`);
  if (query.to !== undefined) conditions.push(`occurred_at < ${bind(new Date(query.to).toISOString())}`);
  return { sql: conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '', params };
}

/** Newest first, paged like the catalog (productListing.ts). */
export async function listAuditLog(
  db: Db,
  query: AuditLogQuery,
  options: { basePath: string; defaultPageSize: number },
): Promise<Http.AuditLogPage> {
  const pageSize = query.pageSize ?? options.defaultPageSize;
  const where = whereClause(query);
  const count = await db.query<{ total: number }>(`SELECT count(*)::int AS total FROM audit_log ${where.sql}`, where.params);
  const { rows } = await db.query<AuditRow>(
    `SELECT * FROM audit_log ${where.sql} ORDER BY occurred_at DESC, id DESC
      LIMIT ${pageSize} OFFSET ${(query.page - 1) * pageSize}`,
    where.params,
  );
  return paged(rows.map(toEntry), count.rows[0].total, query, pageSize, { basePath: options.basePath, filters: [...FILTERS, 'pageSize'] });
}
