import type { Pool } from 'pg';
import { hashPassword, passwordMatches } from '../passwords';
import { isUniqueViolation, withTransaction, type Db } from '../db';
import { emailExists, userNotFound } from '../errors';
import { USER_UPDATED_FIELDS, type UserUpdatedPayload } from '../events';
import { enqueueEvent } from '../outbox';
import { changesBetween, PASSWORD_CHANGED, recordAudit, SYSTEM, userActor, type Attribution } from './auditLog';
import { archiveOrdersOf } from './orderTransitions';
import type * as Http from '../../../contracts/http';
import { emailProblem, isUuid, normalizeEmail, passwordProblem, textProblem, type InputCheck } from '../validation';

export type Role = 'customer' | 'admin';

/** A User as the API shows it: the contract's type (contracts/http). */
export type User = Http.User;

interface UserRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  password_hash: string;
  token_version: number;
  created_at: Date;
  updated_at: Date;
}

export interface Registration {
  email: string;
  password: string;
  name: string;
}

export type UserChanges = Partial<Registration>;

const ACTIVE_EMAIL_INDEX = 'users_active_email_key';
const COLUMNS = 'id, email, name, role, password_hash, token_version, created_at, updated_at';
/** What the audit log records of a new user (never the password or its hash). */
const REGISTERED_FIELDS = ['email', 'name', 'role'] as const;

function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** What the schemas of a registration and of a user's changes cannot say about its fields. */
export const checkUserFields: InputCheck<Http.UserChanges> = (user, issues) => {
  issues.check(user, 'email', emailProblem);
  issues.check(user, 'password', passwordProblem);
  issues.check(user, 'name', textProblem(1, 100));
};

/** An empty change is a 400 (fields the API does not know do not count). */
export const checkUserChanges: InputCheck<Http.UserChanges> = (changes, issues) => {
  checkUserFields(changes, issues);
  if (changes.name === undefined && changes.email === undefined && changes.password === undefined) {
    issues.add('body', 'must contain at least one of name, email, password');
  }
};

/** A valid registration as it is stored: the email trimmed and lower-cased, the name trimmed. */
export const registrationOf = (user: Http.NewUser): Registration => ({
  email: normalizeEmail(user.email),
  password: user.password,
  name: user.name.trim(),
});

export function userChangesOf(changes: Http.UserChanges): UserChanges {
  return {
    ...(changes.name !== undefined && { name: changes.name.trim() }),
    ...(changes.email !== undefined && { email: normalizeEmail(changes.email) }),
    ...(changes.password !== undefined && { password: changes.password }),
  };
}

/** Creates a customer and, in the same transaction, the users.registered event and its audit entry (by the user). */
export async function registerUser(pool: Pool, registration: Registration, correlationId: string): Promise<User> {
  const passwordHash = await hashPassword(registration.password);
  return withTransaction(pool, async (client) => {
    const row = await insertUser(client, { ...registration, passwordHash, role: 'customer' });
    await enqueueEvent(client, {
      type: 'users.registered',
      key: row.id,
      correlationId,
      payload: { userId: row.id, email: row.email, name: row.name },
    });
    const user = toUser(row);
    await recordAudit(client, { actor: userActor(row.id), correlationId }, {
      action: 'user.registered',
      entityType: 'user',
      entityId: row.id,
      changes: changesBetween(null, user, REGISTERED_FIELDS),
    });
    return user;
  });
}

async function insertUser(
  db: Db,
  user: { email: string; name: string; passwordHash: string; role: Role },
): Promise<UserRow> {
  try {
    const { rows } = await db.query<UserRow>(
      `INSERT INTO users (email, name, password_hash, role) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
      [user.email, user.name, user.passwordHash, user.role],
    );
    return rows[0];
  } catch (error) {
    if (isUniqueViolation(error, ACTIVE_EMAIL_INDEX)) throw emailExists();
    throw error;
  }
}

/**
 * Creates the admin account, or resets its role and password to the configured ones; audited as the system's when it
 * changes something (a start with the same settings changes nothing and records nothing).
 */
export async function upsertAdmin(db: Db, email: string, password: string, correlationId: string): Promise<void> {
  const by = { actor: SYSTEM, correlationId };
  const { rows } = await db.query<UserRow>(
    `SELECT ${COLUMNS} FROM users WHERE lower(email) = $1 AND deleted_at IS NULL FOR UPDATE`,
    [email],
  );
  const current = rows[0];
  if (!current) {
    const row = await insertUser(db, { email, name: 'Administrator', passwordHash: await hashPassword(password), role: 'admin' });
    const changes = changesBetween(null, toUser(row), REGISTERED_FIELDS);
    await recordAudit(db, by, { action: 'user.registered', entityType: 'user', entityId: row.id, changes });
    return;
  }
  const passwordChanged = !(await passwordMatches(password, current.password_hash));
  if (current.role === 'admin' && !passwordChanged) return;
  const passwordHash = passwordChanged ? await hashPassword(password) : null;
  const { rows: updated } = await db.query<UserRow>(
    `UPDATE users SET role = 'admin', password_hash = COALESCE($2, password_hash), updated_at = now()
      WHERE id = $1 RETURNING ${COLUMNS}`,
    [current.id, passwordHash],
  );
  const changes = {
    ...changesBetween(toUser(current), toUser(updated[0]), ['role']),
    ...(passwordChanged && { password: PASSWORD_CHANGED }),
  };
  await recordAudit(db, by, { action: 'user.updated', entityType: 'user', entityId: current.id, changes });
}

export async function findActiveUser(db: Db, id: string): Promise<User | undefined> {
  if (!isUuid(id)) return undefined;
  const { rows } = await db.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE id = $1 AND deleted_at IS NULL`, [id]);
  return rows[0] && toUser(rows[0]);
}

/** The active user with this email, its password hash and token version, for checking a login. */
export async function findCredentials(
  db: Db,
  email: string,
): Promise<{ user: User; passwordHash: string; tokenVersion: number } | undefined> {
  const { rows } = await db.query<UserRow>(
    `SELECT ${COLUMNS} FROM users WHERE lower(email) = $1 AND deleted_at IS NULL`,
    [email.trim().toLowerCase()],
  );
  return rows[0] && { user: toUser(rows[0]), passwordHash: rows[0].password_hash, tokenVersion: rows[0].token_version };
}

/** The active user with this id and their current token version (tokens carrying another one are revoked). */
export async function findTokenHolder(db: Db, id: string): Promise<{ user: User; tokenVersion: number } | undefined> {
  if (!isUuid(id)) return undefined;
  const { rows } = await db.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE id = $1 AND deleted_at IS NULL`, [id]);
  return rows[0] && { user: toUser(rows[0]), tokenVersion: rows[0].token_version };
}

export async function revokeTokensOf(db: Db, id: string): Promise<void> {
  await db.query('UPDATE users SET token_version = token_version + 1 WHERE id = $1', [id]);
}

/** The emails of these users (deleted ones too), by id. */
export async function emailsOf(db: Db, ids: string[]): Promise<Map<string, string>> {
  const { rows } = await db.query<{ id: string; email: string }>('SELECT id, email FROM users WHERE id = ANY($1::uuid[])', [
    ids,
  ]);
  return new Map(rows.map((row) => [row.id, row.email]));
}

export async function getUser(db: Db, id: string): Promise<User> {
  const user = await findActiveUser(db, id);
  if (!user) throw userNotFound();
  return user;
}

/**
 * Applies the changes and, in the same transaction, when something changed: the audit entry and users.updated (the
 * changed field names, the name's and email's before and after; a password only by name). A field sent with the
 * value it has is no change; a password always is (it revokes the tokens whatever it is).
 */
export async function updateUser(pool: Pool, id: string, changes: UserChanges, by: Attribution): Promise<User> {
  if (!isUuid(id)) throw userNotFound();
  const passwordHash = changes.password === undefined ? null : await hashPassword(changes.password);
  return withTransaction(pool, async (client) => {
    const { rows: current } = await client.query<UserRow>(
      `SELECT ${COLUMNS} FROM users WHERE id = $1 AND deleted_at IS NULL FOR UPDATE`,
      [id],
    );
    if (!current[0]) throw userNotFound();
    let updated: UserRow;
    try {
      const { rows } = await client.query<UserRow>(
        `UPDATE users
            SET name = COALESCE($2, name), email = COALESCE($3, email),
                password_hash = COALESCE($4, password_hash), updated_at = now(),
                -- A new password ends every session: tokens issued before carry the old version.
                token_version = token_version + CASE WHEN $4::text IS NULL THEN 0 ELSE 1 END
          WHERE id = $1
          RETURNING ${COLUMNS}`,
        [id, changes.name ?? null, changes.email ?? null, passwordHash],
      );
      updated = rows[0];
    } catch (error) {
      if (isUniqueViolation(error, ACTIVE_EMAIL_INDEX)) throw emailExists();
      throw error;
    }
    const [before, after] = [toUser(current[0]), toUser(updated)];
    await recordUserChange(client, before, after, passwordHash !== null, by);
    return after;
  });
}

async function recordUserChange(db: Db, before: User, after: User, passwordChanged: boolean, by: Attribution): Promise<void> {
  const changed = changesBetween(before, after, ['name', 'email']) as UserUpdatedPayload['changes'];
  const changedFields = USER_UPDATED_FIELDS.filter((field) => (field === 'password' ? passwordChanged : field in changed));
  if (changedFields.length === 0) return;
  const changes = { ...changed, ...(passwordChanged && { password: PASSWORD_CHANGED }) };
  await recordAudit(db, by, { action: 'user.updated', entityType: 'user', entityId: after.id, changes });
  await enqueueEvent(db, {
    type: 'users.updated',
    key: after.id,
    correlationId: by.correlationId,
    payload: { userId: after.id, changedFields, changes: changed, updatedAt: after.updatedAt },
  });
}

/**
 * Soft delete: the row stays with deleted_at set, which frees its email and ends its logins. In the same
 * transaction the user's orders are archived (user_id cleared, kept in archived_user_id), their cart dropped, the
 * audit entry written and users.deleted enqueued.
 */
export async function deleteUser(pool: Pool, id: string, by: Attribution): Promise<void> {
  if (!isUuid(id)) throw userNotFound();
  await withTransaction(pool, async (client) => {
    const { rows } = await client.query<{ deleted_at: Date }>(
      'UPDATE users SET deleted_at = now(), updated_at = now() WHERE id = $1 AND deleted_at IS NULL RETURNING deleted_at',
      [id],
    );
    if (!rows[0]) throw userNotFound();
    const deletedAt = rows[0].deleted_at.toISOString();
    await recordAudit(client, by, {
      action: 'user.deleted',
      entityType: 'user',
      entityId: id,
      changes: { deletedAt: { before: null, after: deletedAt } },
    });
    await archiveOrdersOf(client, id, by);
    await client.query('DELETE FROM carts WHERE user_id = $1', [id]);
    await enqueueEvent(client, { type: 'users.deleted', key: id, correlationId: by.correlationId, payload: { userId: id, deletedAt } });
  });
}
