import type { Db } from '../db';

/** A count whose last failure is older than this (and that is not locked) is forgotten. */
export const FAILURE_MEMORY_SECONDS = 24 * 60 * 60;
/** At most this many forgotten counts are deleted per recorded failure, so no login pays for a large backlog. */
const PRUNED_PER_FAILURE = 100;

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

  async recordFailure(email: string): Promise<void> {
    const { rows } = await this.db.query<{ failures: number; locked: boolean }>(
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
    await this.forgetOldCounts();
    if (rows[0].failures >= this.maxFailures && !rows[0].locked) {
      await this.db.query(
        `UPDATE login_attempts SET locked_until = now() + make_interval(secs => $2)
          WHERE email = $1 AND locked_until IS NULL`,
        [email, this.lockSeconds],
      );
    }
  }

  private async forgetOldCounts(): Promise<void> {
    await this.db.query(
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
