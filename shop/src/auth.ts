import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { FastifyRequest } from 'fastify';
import type { Db } from './db';
import { forbidden, invalidToken, tokenExpired, unauthenticated } from './errors';
import { findActiveUser, type Role, type User } from './services/users';

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
}

/** HS256 JWTs with claims sub, role, type, iat, exp (and a jti so two tokens issued in one second differ). */
export class Tokens {
  constructor(
    private readonly secret: string,
    private readonly accessTtlSeconds: number,
    private readonly refreshTtlSeconds: number,
  ) {}

  issuePair(user: Pick<User, 'id' | 'role'>): TokenPair {
    return {
      accessToken: this.issue(user, 'access'),
      refreshToken: this.issue(user, 'refresh'),
      tokenType: 'Bearer',
      expiresIn: this.accessTtlSeconds,
    };
  }

  issue(user: Pick<User, 'id' | 'role'>, type: TokenKind): string {
    const expiresIn = type === 'access' ? this.accessTtlSeconds : this.refreshTtlSeconds;
    return jwt.sign({ role: user.role, type }, this.secret, {
      algorithm: 'HS256',
      subject: user.id,
      expiresIn,
      jwtid: randomUUID(),
    });
  }

  /** The token's user id; TOKEN_EXPIRED for a genuine token past its exp, INVALID_TOKEN for anything else wrong. */
  verify(token: string, expected: TokenKind): string {
    let claims: Partial<TokenClaims>;
    try {
      claims = jwt.verify(token, this.secret, { algorithms: ['HS256'] }) as Partial<TokenClaims>;
    } catch (error) {
      throw error instanceof jwt.TokenExpiredError ? tokenExpired() : invalidToken();
    }
    if (claims.type !== expected || typeof claims.sub !== 'string') throw invalidToken();
    return claims.sub;
  }
}

/** Resolves who is calling: from the bearer token for the API, from a token string for the web session. */
export class Authenticator {
  constructor(
    private readonly db: Db,
    readonly tokens: Tokens,
  ) {}

  /** The active user a token belongs to; a deleted user's tokens are INVALID_TOKEN. */
  async userFromToken(token: string, kind: TokenKind): Promise<User> {
    const user = await findActiveUser(this.db, this.tokens.verify(token, kind));
    if (!user) throw invalidToken();
    return user;
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
