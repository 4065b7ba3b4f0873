import type { FastifyReply } from 'fastify';
import { AppError } from '../errors';

/** How a page names each API field in its alert: `Postal code must be ...` rather than `postalCode must be ...`. */
export type FieldLabels = Record<string, string>;

/** The messages an alert lists: one per bad field ("Password must contain a digit"), else the error's own. */
export function alertMessages(error: AppError, labels: FieldLabels): string[] {
  if (!error.details) return [error.message];
  return error.details.map((issue) => `${labels[issue.field] ?? issue.field} ${issue.message}`);
}

export function sendPage(reply: FastifyReply, statusCode: number, page: string): FastifyReply {
  return reply.code(statusCode).type('text/html; charset=utf-8').send(page);
}

/** Runs `work`; a client error (AppError) is rendered by `renderError` instead of the JSON envelope. */
export async function orRenderError(
  reply: FastifyReply,
  work: () => Promise<FastifyReply>,
  renderError: (error: AppError) => string | Promise<string>,
): Promise<FastifyReply> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return sendPage(reply.headers(error.headers), error.statusCode, await renderError(error));
  }
}

export function formValues(body: unknown): Record<string, string | undefined> {
  if (typeof body !== 'object' || body === null) return {};
  // A field sent twice arrives as a list, and a JSON body may hold anything: only text is a form value, the rest
  // counts as not sent (the page then says the field is required) instead of reaching code that expects text.
  return Object.fromEntries(Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** A form's number field as the API expects it: digits become a number, anything else stays text and fails validation. */
export const formInteger = (value: string | undefined): number | string | undefined =>
  value !== undefined && /^\s*\d{1,9}\s*$/.test(value) ? Number(value) : value;
