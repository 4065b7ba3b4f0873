import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { FastifyRequest } from 'fastify';
import type { Db } from './db';
import { forbidden, invalidToken, tokenExpired, unauthenticated } from './errors';
import { findTokenHolder, revokeTokensOf, type Role, type User } from './services/users';

export type TokenKind = 'access' | 'refresh';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

interface TokenClaims {
  sub: string;
  role: Role;
  type: TokenKind;
  ver: number;
}

/** Who a token was issued to: the user and the token version they had then. */
export interface TokenHolder {
  id: string;
  tokenVersion: number;
}

/**
 * HS256 JWTs with claims sub, role, type, ver (the user's token version), iat, exp, and a jti so two tokens issued in
 * one second differ.
 */
export class Tokens {
  constructor(
    private readonly secret: string,
    private readonly accessTtlSeconds: number,
    private readonly refreshTtlSeconds: number,
  ) {}

  issuePair(user: Pick<User, 'id' | 'role'>, tokenVersion: number): TokenPair {
    return {
      accessToken: this.issue(user, tokenVersion, 'access'),
      refreshToken: this.issue(user, tokenVersion, 'refresh'),
      tokenType: 'Bearer',
      expiresIn: this.accessTtlSeconds,
    };
  }

  issue(user: Pick<User, 'id' | 'role'>, tokenVersion: number, type: TokenKind): string {
    const expiresIn = type === 'access' ? this.accessTtlSeconds : this.refreshTtlSeconds;
    return jwt.sign({ role: user.role, type, ver: tokenVersion }, this.secret, {
      algorithm: 'HS256',
      subject: user.id,
      expiresIn,
      jwtid: randomUUID(),
    });
  }

  /** Whom the token names; TOKEN_EXPIRED for a genuine token past its exp, INVALID_TOKEN for anything else wrong. */
  verify(token: string, expected: TokenKind): TokenHolder {
    let claims: Partial<TokenClaims>;
    try {
      claims = jwt.verify(token, this.secret, { algorithms: ['HS256'] }) as Partial<TokenClaims>;
    } catch (error) {
      throw error instanceof jwt.TokenExpiredError ? tokenExpired() : invalidToken();
    }
    if (claims.type !== expected || typeof claims.sub !== 'string' || !Number.isInteger(claims.ver)) throw invalidToken();
    return { id: claims.sub, tokenVersion: claims.ver! };
  }
}

/** Resolves who is calling: from the bearer token for the API, from a token string for the web session. */
export class Authenticator {
  constructor(
    private readonly db: Db,
    readonly tokens: Tokens,
  ) {}

  /**
   * The active user a token belongs to, with the token version it carries. A deleted user's tokens, and tokens issued
   * before the user's last password change or logout (an older version), are INVALID_TOKEN.
   */
  async holderOf(token: string, kind: TokenKind): Promise<{ user: User; tokenVersion: number }> {
    const claimed = this.tokens.verify(token, kind);
    const found = await findTokenHolder(this.db, claimed.id);
    if (!found || found.tokenVersion !== claimed.tokenVersion) throw invalidToken();
    return found;
  }

  async userFromToken(token: string, kind: TokenKind): Promise<User> {
    return (await this.holderOf(token, kind)).user;
  }

  /** Ends every session of the user: each access and refresh token issued so far is refused from now on. */
  async revokeTokens(userId: string): Promise<void> {
    await revokeTokensOf(this.db, userId);
  }

  async requireUser(request: FastifyRequest): Promise<User> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!match) throw unauthenticated();
    return this.userFromToken(match[1], 'access');
  }

  async requireAdmin(request: FastifyRequest): Promise<User> {
    const user = await this.requireUser(request);
    if (user.role !== 'admin') throw forbidden();
    return user;
  }

  /** The user themself or an admin; anyone else is FORBIDDEN whether or not the id exists. */
  async requireSelfOrAdmin(request: FastifyRequest, userId: string): Promise<User> {
    const user = await this.requireUser(request);
    if (user.role !== 'admin' && user.id !== userId) throw forbidden();
    return user;
  }
}
