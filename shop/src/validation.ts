import { validationError, type FieldIssue } from './errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// dot-atom local part @ a hostname with at least one dot: the same rule JSON Schema's `email` format applies.
const ATOM = "[a-z0-9!#$%&'*+/=?^_`{|}~-]+";
const LABEL = '[a-z0-9](?:[a-z0-9-]*[a-z0-9])?';
const EMAIL = new RegExp(`^${ATOM}(?:\\.${ATOM})*@(?:${LABEL}\\.)+${LABEL}$`, 'i');

export const isUuid = (value: string): boolean => UUID.test(value);
const isEmail = (value: string): boolean => value.length <= 254 && EMAIL.test(value);

/** Collects one issue per bad field, then throws them together as a 400 VALIDATION_ERROR. */
export class Issues {
  private readonly issues: FieldIssue[] = [];

  add(field: string, message: string): undefined {
    this.issues.push({ field, message });
    return undefined;
  }

  throwIfAny(): void {
    if (this.issues.length > 0) throw validationError(this.issues);
  }
}

/** The JSON body as an object, or a VALIDATION_ERROR on `body` when it is missing, an array or a scalar. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw validationError([{ field: 'body', message: 'must be a JSON object' }]);
  }
  return body as Record<string, unknown>;
}

// Names end up in mail subjects and page titles, so they are one line; descriptions may have line breaks.
const CONTROL_CHARACTERS = /\p{Cc}/u;
const CONTROL_CHARACTERS_BUT_LINE_BREAKS = /(?![\t\n\r])\p{Cc}/u;

/** A trimmed string of min..max characters, or undefined after recording the issue. */
export function textField(
  issues: Issues,
  field: string,
  value: unknown,
  min: number,
  max: number,
  { multiline = false } = {},
): string | undefined {
  if (typeof value !== 'string') return issues.add(field, 'must be a string');
  const text = value.trim();
  if (text.length < min) return issues.add(field, min === 1 ? 'must not be empty' : `must be at least ${min} characters`);
  if (text.length > max) return issues.add(field, `must be at most ${max} characters`);
  if ((multiline ? CONTROL_CHARACTERS_BUT_LINE_BREAKS : CONTROL_CHARACTERS).test(text)) {
    return issues.add(field, multiline ? 'must not contain control characters' : 'must be a single line of text');
  }
  return text;
}

export function emailField(issues: Issues, value: unknown): string | undefined {
  if (typeof value !== 'string') return issues.add('email', 'must be a string');
  const email = value.trim().toLowerCase();
  return isEmail(email) ? email : issues.add('email', 'must be a valid email address');
}

/** At least 8 characters with a letter and a digit; the message names everything that is missing. */
export function passwordField(issues: Issues, value: unknown): string | undefined {
  if (typeof value !== 'string') return issues.add('password', 'must be a string');
  const missing: string[] = [];
  if (value.length < 8) missing.push('be at least 8 characters long');
  if (!/\p{L}/u.test(value)) missing.push('contain a letter');
  if (!/\d/.test(value)) missing.push('contain a digit');
  // bcrypt ignores everything past 72 bytes, so a longer password would be silently truncated.
  if (Buffer.byteLength(value) > 72) missing.push('be at most 72 bytes long');
  return missing.length === 0 ? value : issues.add('password', `must ${joinWithAnd(missing)}`);
}

function joinWithAnd(parts: string[]): string {
  return parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}
