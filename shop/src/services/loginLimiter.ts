import type { Db } from '../db';

/** A count whose last failure is older than this (and that is not locked) is forgotten. */
export const FAILURE_MEMORY_SECONDS = 24 * 60 * 60;
/** At most this many forgotten counts are deleted per recorded failure, so no login pays for a large backlog. */
const PRUNED_PER_FAILURE = 100;

/** What one failure did to its email's count (for the audit log): the count before and after, and the lock it began. */
export interface RecordedFailure {
  failuresBefore: number;
  failures: number;
  /** Set when this failure locked the email. */
  lockedUntil: Date | null;
}

/**
 * Counts failed logins per email in login_attempts, so the limit holds across shop processes.
 * After `maxFailures` failures the email is locked for `lockSeconds`; the next failure after the lock starts a new count.
 * A count not locked and with no failure for FAILURE_MEMORY_SECONDS is forgotten: each failure deletes a few such rows,
 * so emails tried once and never again do not pile up.
 */
export class LoginLimiter {
  constructor(
    private readonly db: Db,
    private readonly maxFailures: number,
    private readonly lockSeconds: number,
  ) {}

  /** Seconds until the lock on this email ends, or 0 when it is not locked. */
  async lockedForSeconds(email: string): Promise<number> {
    const { rows } = await this.db.query<{ seconds: number }>(
      `SELECT ceil(extract(epoch FROM locked_until - now()))::int AS seconds
         FROM login_attempts WHERE email = $1 AND locked_until > now()`,
      [email],
    );
    return rows[0]?.seconds ?? 0;
  }

  /** Counts a failure; `db` is the caller's transaction, so the count and its audit entries commit together. */
  async recordFailure(email: string, db: Db = this.db): Promise<RecordedFailure> {
    const { rows: before } = await db.query<{ failures: number }>('SELECT failures FROM login_attempts WHERE email = $1 FOR UPDATE', [
      email,
    ]);
    const { rows } = await db.query<{ failures: number; locked: boolean }>(
      `INSERT INTO login_attempts AS a (email, failures) VALUES ($1, 1)
       ON CONFLICT (email) DO UPDATE SET
         failures = CASE WHEN a.locked_until > now() THEN a.failures
                         WHEN a.locked_until IS NOT NULL THEN 1
                         WHEN a.last_failed_at <= now() - make_interval(secs => $2) THEN 1
                         ELSE a.failures + 1 END,
         locked_until = CASE WHEN a.locked_until > now() THEN a.locked_until END,
         last_failed_at = now()
       RETURNING failures, locked_until IS NOT NULL AS locked`,
      [email, FAILURE_MEMORY_SECONDS],
    );
    await this.forgetOldCounts(db);
    let lockedUntil: Date | null = null;
    if (rows[0].failures >= this.maxFailures && !rows[0].locked) {
      const { rows: locked } = await db.query<{ locked_until: Date }>(
        `UPDATE login_attempts SET locked_until = now() + make_interval(secs => $2)
          WHERE email = $1 AND locked_until IS NULL RETURNING locked_until`,
        [email, this.lockSeconds],
      );
      lockedUntil = locked[0]?.locked_until ?? null;
    }
    return { failuresBefore: before[0]?.failures ?? 0, failures: rows[0].failures, lockedUntil };
  }

  private async forgetOldCounts(db: Db): Promise<void> {
    await db.query(
      `DELETE FROM login_attempts WHERE email IN (
         SELECT email FROM login_attempts
          WHERE last_failed_at <= now() - make_interval(secs => $1) AND (locked_until IS NULL OR locked_until <= now())
          LIMIT $2)`,
      [FAILURE_MEMORY_SECONDS, PRUNED_PER_FAILURE],
    );
  }

  async reset(email: string): Promise<void> {
    await this.db.query('DELETE FROM login_attempts WHERE email = $1', [email]);
  }
}
