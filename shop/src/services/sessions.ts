import type { Pool, PoolClient } from 'pg';
import type { Authenticator, TokenPair } from '../auth';
import { withTransaction } from '../db';
import { invalidCredentials, tooManyAttempts } from '../errors';
import { passwordMatches } from '../passwords';
import type * as Http from '../../../contracts/http';
import { emailProblem, normalizeEmail, type InputCheck } from '../validation';
import { recordAudit, userActor } from './auditLog';
import type { LoginLimiter, RecordedFailure } from './loginLimiter';
import { findCredentials, type User } from './users';

export interface Credentials {
  email: string;
  password: string;
}

/**
 * A login names a possible account: an email address (at most 254 characters) and a password bcrypt can compare (at
 * most 72 bytes; bcrypt ignores the rest, so a longer one could match on its first 72). Anything else is a 400 that
 * counts no failure, so arbitrary strings cannot fill the login counter.
 */
export const checkCredentials: InputCheck<Http.Credentials> = (credentials, issues) => {
  issues.check(credentials, 'email', emailProblem);
  issues.check(credentials, 'password', (password) => (Buffer.byteLength(password) > 72 ? 'must be at most 72 bytes long' : undefined));
};

/** Credentials as the login compares them: the email trimmed and lower-cased (the schema requires both, non-empty). */
export const credentialsOf = (credentials: Http.Credentials): Credentials => ({
  email: normalizeEmail(credentials.email),
  password: credentials.password,
});

/**
 * The audit entries of a failed login, in its transaction: login.failed, and login.locked when it locked the email. The
 * account's, by the account (an email that is no account: neither, and the email is not kept); never the password.
 */
async function auditFailure(client: PoolClient, failure: RecordedFailure, accountId: string | null, correlationId: string) {
  const by = { actor: userActor(accountId), correlationId };
  const failures = { before: failure.failuresBefore, after: failure.failures };
  await recordAudit(client, by, { action: 'login.failed', entityType: 'user', entityId: accountId, changes: { failures } });
  if (failure.lockedUntil === null) return;
  const lockedUntil = { before: null, after: failure.lockedUntil.toISOString() };
  await recordAudit(client, by, { action: 'login.locked', entityType: 'user', entityId: accountId, changes: { lockedUntil } });
}

/** Logging in (rate limited per email) and refreshing a token pair. */
export class Sessions {
  constructor(
    private readonly pool: Pool,
    private readonly limiter: LoginLimiter,
    private readonly auth: Authenticator,
  ) {}

  /**
   * A locked email answers 429 even with the right password; a success before the limit resets the count. A failure
   * is counted and audited under the request's correlation id.
   */
  async login(credentials: Credentials, correlationId: string): Promise<{ user: User; tokens: TokenPair }> {
    const lockedFor = await this.limiter.lockedForSeconds(credentials.email);
    if (lockedFor > 0) throw tooManyAttempts(lockedFor);

    const found = await findCredentials(this.pool, credentials.email);
    const valid = await passwordMatches(credentials.password, found?.passwordHash);
    if (!found || !valid) {
      // Unknown emails count too, so the limit says nothing about which accounts exist.
      await withTransaction(this.pool, async (client) => {
        const failure = await this.limiter.recordFailure(credentials.email, client);
        await auditFailure(client, failure, found?.user.id ?? null, correlationId);
      });
      throw invalidCredentials();
    }
    await this.limiter.reset(credentials.email);
    return { user: found.user, tokens: this.auth.tokens.issuePair(found.user, found.tokenVersion) };
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    const { user, tokenVersion } = await this.auth.holderOf(refreshToken, 'refresh');
    return this.auth.tokens.issuePair(user, tokenVersion);
  }
}
