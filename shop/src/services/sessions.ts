import type { Authenticator, TokenPair } from '../auth';
import type { Db } from '../db';
import { invalidCredentials, tooManyAttempts } from '../errors';
import { passwordMatches } from '../passwords';
import type * as Http from '../../../contracts/http';
import { emailProblem, normalizeEmail, type InputCheck } from '../validation';
import type { LoginLimiter } from './loginLimiter';
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

/** Logging in (rate limited per email) and refreshing a token pair. */
export class Sessions {
  constructor(
    private readonly db: Db,
    private readonly limiter: LoginLimiter,
    private readonly auth: Authenticator,
  ) {}

  /** A locked email answers 429 even with the right password; a success before the limit resets the count. */
  async login(credentials: Credentials): Promise<{ user: User; tokens: TokenPair }> {
    const lockedFor = await this.limiter.lockedForSeconds(credentials.email);
    if (lockedFor > 0) throw tooManyAttempts(lockedFor);

    const found = await findCredentials(this.db, credentials.email);
    const valid = await passwordMatches(credentials.password, found?.passwordHash);
    if (!found || !valid) {
      // Unknown emails count too, so the limit says nothing about which accounts exist.
      await this.limiter.recordFailure(credentials.email);
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
