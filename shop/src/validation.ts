import { validationError, type FieldIssue } from './errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// dot-atom local part @ a hostname with at least one dot: the same rule JSON Schema's `email` format applies.
const ATOM = "[a-z0-9!#$%&'*+/=?^_`{|}~-]+";
const LABEL = '[a-z0-9](?:[a-z0-9-]*[a-z0-9])?';
const EMAIL = new RegExp(`^${ATOM}(?:\\.${ATOM})*@(?:${LABEL}\\.)+${LABEL}$`, 'i');

export const isUuid = (value: string): boolean => UUID.test(value);
const isEmail = (value: string): boolean => value.length <= 254 && EMAIL.test(value);

/**
 * The issues of one request part, one per bad field: first what its schema found (contracts/http, checked in
 * requestValidation.ts), then the rules the schema cannot express, checked by code on the fields the schema accepted.
 */
export class Issues {
  private readonly issues: FieldIssue[];

  constructor(issues: FieldIssue[] = []) {
    this.issues = [...issues];
  }

  add(field: string, message: string): undefined {
    this.issues.push({ field, message });
    return undefined;
  }

  has(field: string): boolean {
    return this.issues.some((issue) => issue.field === field);
  }

  /** Whether these fields are all there (not absent, not null) and nothing is wrong with them so far. */
  accepted<T extends object>(input: T, ...fields: (keyof T & string)[]): boolean {
    return fields.every((field) => input[field] !== undefined && input[field] !== null && !this.has(field));
  }

  /** Checks a field the way its schema cannot, when it is there and the schema accepted it. */
  check<T extends object, K extends keyof T & string>(
    input: T,
    field: K,
    problem: (value: NonNullable<T[K]>) => string | undefined,
  ): void {
    if (!this.accepted(input, field)) return;
    const message = problem(input[field] as NonNullable<T[K]>);
    if (message !== undefined) this.add(field, message);
  }

  get all(): readonly FieldIssue[] {
    return this.issues;
  }

  throwIfAny(): void {
    if (this.issues.length > 0) throw validationError(this.issues);
  }
}

/**
 * What the schema cannot say about an input of its type, recorded on `issues`. It runs whatever the schema found,
 * so it reads a field only once `issues` accepted it (`issues.check`, `issues.accepted`).
 */
export type InputCheck<T> = (input: T, issues: Issues) => void;

// Names end up in mail subjects and page titles, so they are one line; descriptions may have line breaks.
const CONTROL_CHARACTERS = /\p{Cc}/u;
const CONTROL_CHARACTERS_BUT_LINE_BREAKS = /(?![\t\n\r])\p{Cc}/u;

/** Text of min..max characters once trimmed (the schema took it as a string), or what is wrong with it. */
export const textProblem =
  (min: number, max: number, { multiline = false } = {}) =>
  (value: string): string | undefined => {
    const text = value.trim();
    if (text.length < min) return min === 1 ? 'must not be empty' : `must be at least ${min} characters`;
    if (text.length > max) return `must be at most ${max} characters`;
    if ((multiline ? CONTROL_CHARACTERS_BUT_LINE_BREAKS : CONTROL_CHARACTERS).test(text)) {
      return multiline ? 'must not contain control characters' : 'must be a single line of text';
    }
    return undefined;
  };

/** An email address once trimmed and lower-cased, as it is stored. */
export const normalizeEmail = (value: string): string => value.trim().toLowerCase();

export const emailProblem = (value: string): string | undefined =>
  isEmail(normalizeEmail(value)) ? undefined : 'must be a valid email address';

/** At least 8 characters with a letter and a digit; the message names everything that is missing. */
export function passwordProblem(value: string): string | undefined {
  const missing: string[] = [];
  if (value.length < 8) missing.push('be at least 8 characters long');
  if (!/\p{L}/u.test(value)) missing.push('contain a letter');
  if (!/\d/.test(value)) missing.push('contain a digit');
  // bcrypt ignores everything past 72 bytes, so a longer password would be silently truncated.
  if (Buffer.byteLength(value) > 72) missing.push('be at most 72 bytes long');
  return missing.length === 0 ? undefined : `must ${joinWithAnd(missing)}`;
}

function joinWithAnd(parts: string[]): string {
  return parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}
