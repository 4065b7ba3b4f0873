import { Type, type Static } from 'typebox';
import { errorMessage, ref, strict, Timestamp, Uuid } from './common';

/** Users and their sessions (docs/API.md, "Users" and "Auth"). */

export const Role = Type.Enum(['customer', 'admin'], { $id: 'Role', title: 'Role' });
export type Role = Static<typeof Role>;

export const User = Type.Object(
  {
    id: Uuid,
    email: Type.String({ format: 'email', maxLength: 254, description: 'Lower-cased' }),
    name: Type.String({ minLength: 1, maxLength: 100 }),
    role: ref(Role),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'User', title: 'User', description: 'Never a password hash or deletedAt', ...strict },
);
export type User = Static<typeof User>;

// The request fields below are trimmed before their lengths are checked, which JSON Schema cannot say: those rules
// are in their descriptions, and the shop checks them in the same pass as the schema (one detail per bad field).
const email = Type.String({
  description: 'A valid address after trimming (the JSON Schema `email` rule, at most 254 characters); stored lower-cased',
});
const password = Type.String({
  description: 'At least 8 characters with a letter and a digit, at most 72 bytes; the message names everything missing',
});
const name = Type.String({ description: '1–100 characters after trimming, one line' });

export const NewUser = Type.Object(
  { email, password, name },
  { $id: 'NewUser', title: 'NewUser', description: 'A registration; fields the API does not know (`role`) are ignored' },
);
export type NewUser = Static<typeof NewUser>;

export const UserChanges = Type.Object(
  { name: Type.Optional(name), email: Type.Optional(email), password: Type.Optional(password) },
  { $id: 'UserChanges', title: 'UserChanges', description: 'At least one of name, email and password' },
);
export type UserChanges = Static<typeof UserChanges>;

const requiredText = Type.String({ minLength: 1, ...errorMessage('is required') });

export const Credentials = Type.Object(
  { email: requiredText, password: requiredText },
  { $id: 'Credentials', title: 'Credentials' },
);
export type Credentials = Static<typeof Credentials>;

export const RefreshRequest = Type.Object(
  { refreshToken: requiredText },
  { $id: 'RefreshRequest', title: 'RefreshRequest' },
);
export type RefreshRequest = Static<typeof RefreshRequest>;

export const TokenPair = Type.Object(
  {
    accessToken: Type.String({ description: 'An HS256 JWT of type `access`' }),
    refreshToken: Type.String({ description: 'An HS256 JWT of type `refresh`' }),
    tokenType: Type.Literal('Bearer'),
    expiresIn: Type.Integer({ minimum: 1, description: "The access token's lifetime in seconds" }),
  },
  { $id: 'TokenPair', title: 'TokenPair', ...strict },
);
export type TokenPair = Static<typeof TokenPair>;

export const UserParams = Type.Object({
  id: Type.String({ description: "The user's id (a UUID); an unknown or malformed id is a 404 for an admin, a 403 for anyone else" }),
});
