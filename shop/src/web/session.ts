import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticator } from '../auth';
import { AppError } from '../errors';
import type { User } from '../services/users';

/** The browser session: an HttpOnly cookie holding an access token, so it ends when the token expires. */
const SESSION_COOKIE = 'session';

/** `publicUrl`: where customers reach the shop; over HTTPS the cookie is Secure, so it never travels in clear. */
export function startSession(reply: FastifyReply, accessToken: string, maxAgeSeconds: number, publicUrl: string): void {
  const secure = publicUrl.startsWith('https:');
  reply.setCookie(SESSION_COOKIE, accessToken, { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: maxAgeSeconds });
}

/** Whether the request carries a session cookie, valid or not: its answer is then private. */
export function hasSessionCookie(request: FastifyRequest): boolean {
  // Absent when Fastify answered before its hooks ran (a URL it could not route): no cookies were read then.
  const cookies = request.cookies as FastifyRequest['cookies'] | undefined;
  return cookies?.[SESSION_COOKIE] !== undefined;
}

export function endSession(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

/** The logged-in user, or undefined when there is no session or its token is expired, invalid or for a deleted user. */
export async function sessionUser(request: FastifyRequest, auth: Authenticator): Promise<User | undefined> {
  const token = request.cookies[SESSION_COOKIE];
  if (!token) return undefined;
  try {
    return await auth.userFromToken(token, 'access');
  } catch (error) {
    if (error instanceof AppError) return undefined;
    throw error;
  }
}
