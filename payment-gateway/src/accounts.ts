import type { IncomingHttpHeaders } from 'node:http';
import { newId } from './ids';
import { invalidApiKey, invalidParam, invalidRequest, missingApiKey, StripeApiError } from './stripe-errors';

/** One merchant at the provider: its secret key authenticates API calls, its webhook endpoint gets the events. */
export interface Account {
  id: string;
  secretKey: string;
  webhookUrl: string;
  webhookSecret: string;
}

/** Reads and checks one account (from GATEWAY_ACCOUNTS or POST /_test/accounts); `where` prefixes messages. */
export function parseAccount(value: unknown, where: string): Account {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where} must be an object`);
  const fields = value as Record<string, unknown>;
  const text = (name: string): string => {
    const field = fields[name];
    if (typeof field !== 'string' || field.trim() === '') throw new AccountFieldError(name, `${where}.${name} must be a non-empty string`);
    return field.trim();
  };
  const id = fields.id === undefined ? newId('acct') : text('id');
  const secretKey = text('secretKey');
  if (!/^sk_test_\w+$/.test(secretKey)) throw new AccountFieldError('secretKey', `${where}.secretKey must look like sk_test_<letters and digits>`);
  const webhookSecret = text('webhookSecret');
  if (!/^whsec_\w+$/.test(webhookSecret)) throw new AccountFieldError('webhookSecret', `${where}.webhookSecret must look like whsec_<letters and digits>`);
  const webhookUrl = text('webhookUrl');
  if (!/^https?:\/\/[^/\s]+/.test(webhookUrl)) throw new AccountFieldError('webhookUrl', `${where}.webhookUrl must be an http(s) URL`);
  return { id, secretKey, webhookUrl, webhookSecret };
}

/** A bad field of an account, so the test endpoint can answer with `param` naming it. */
export class AccountFieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** The accounts of this gateway, by id and by secret key. */
export class AccountRegistry {
  private readonly byKey = new Map<string, Account>();
  private readonly byId = new Map<string, Account>();

  constructor(accounts: Account[]) {
    for (const account of accounts) this.add(account);
  }

  /** Adds an account; throws a 400 Stripe error when its id or key is taken. */
  add(account: Account): Account {
    if (this.byId.has(account.id)) throw invalidRequest('resource_already_exists', `An account with id '${account.id}' already exists.`, 'id');
    if (this.byKey.has(account.secretKey)) throw invalidRequest('resource_already_exists', 'Another account already uses this secretKey.', 'secretKey');
    this.byId.set(account.id, account);
    this.byKey.set(account.secretKey, account);
    return account;
  }

  get size(): number {
    return this.byId.size;
  }

  /**
   * The account whose secret key the request carries, as Stripe reads it: `Authorization: Bearer <key>`,
   * or HTTP basic auth with the key as the user name. Throws Stripe's 401 otherwise.
   */
  authenticate(headers: IncomingHttpHeaders): Account {
    const key = secretKeyOf(headers.authorization);
    if (!key) throw missingApiKey();
    const account = this.byKey.get(key);
    if (!account) throw invalidApiKey(key);
    return account;
  }
}

function secretKeyOf(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const [scheme, credentials] = authorization.trim().split(/\s+/, 2);
  if (!credentials) return undefined;
  if (/^bearer$/i.test(scheme)) return credentials;
  if (/^basic$/i.test(scheme)) return Buffer.from(credentials, 'base64').toString('utf8').split(':')[0] || undefined;
  return undefined;
}

/** GATEWAY_ACCOUNTS: a JSON array of accounts; an error names what is wrong with it. */
export function parseAccountsJson(json: string | undefined): Account[] {
  if (!json?.trim()) throw new Error('GATEWAY_ACCOUNTS is required: a JSON array of { id, secretKey, webhookUrl, webhookSecret }');
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new Error(`GATEWAY_ACCOUNTS is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (!Array.isArray(value) || value.length === 0) throw new Error('GATEWAY_ACCOUNTS must be a non-empty JSON array of accounts');
  return value.map((entry, index) => parseAccount(entry, `GATEWAY_ACCOUNTS[${index}]`));
}

/** An account from a test's JSON body, or Stripe's 400 naming the bad field. */
export function accountFromRequest(body: unknown): Account {
  try {
    return parseAccount(body, 'account');
  } catch (error) {
    if (error instanceof AccountFieldError) throw invalidParam(error.field, error.message);
    if (error instanceof StripeApiError) throw error;
    throw invalidRequest('parameter_invalid', 'The body must be a JSON object { id?, secretKey, webhookUrl, webhookSecret }');
  }
}
