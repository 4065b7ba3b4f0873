import { EnvironmentError } from './errors';
import { httpAnswersOk, tcpAnswers } from './readiness';
import type { Services } from './types';

/** The addresses that make `auto` pick external (SMTP_HOST/SMTP_PORT have defaults). */
export const EXTERNAL_ADDRESS_VARIABLES = ['DATABASE_URL', 'KAFKA_BROKERS', 'MAILHOG_URL'] as const;

const DEFAULT_SMTP_PORT = 1025;

export function externalAddressesGiven(env: NodeJS.ProcessEnv = process.env): boolean {
  return EXTERNAL_ADDRESS_VARIABLES.every((name) => Boolean(env[name]));
}

/** Reads the addresses from the environment (.env is loaded by the caller); starts nothing. */
export function externalServices(env: NodeJS.ProcessEnv = process.env): Services {
  const missing = EXTERNAL_ADDRESS_VARIABLES.filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new EnvironmentError(
      `E2E_ENV=external needs ${missing.join(', ')}: set ${missing.length > 1 ? 'them' : 'it'} in .env (see .env.example; \`docker compose up -d\` serves exactly those addresses), or use E2E_ENV=auto.`,
    );
  }
  const mailhogUrl = (env.MAILHOG_URL as string).replace(/\/+$/, '');
  const smtpPort = Number(env.SMTP_PORT || DEFAULT_SMTP_PORT);
  if (!Number.isInteger(smtpPort) || smtpPort < 1 || smtpPort > 65535) throw new EnvironmentError(`SMTP_PORT=${env.SMTP_PORT} is not a port number.`);
  return {
    provider: 'external',
    databaseUrl: env.DATABASE_URL as string,
    kafkaBrokers: (env.KAFKA_BROKERS as string).split(',').map((broker) => broker.trim()).filter(Boolean),
    mailhogUrl,
    // MailHog's SMTP side is usually on the same host as its API.
    smtpHost: env.SMTP_HOST || hostOf(mailhogUrl, 'MAILHOG_URL'),
    smtpPort,
  };
}

function hostOf(url: string, variable: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    throw new EnvironmentError(`${variable}=${url} is not a URL (expected e.g. http://127.0.0.1:8025).`);
  }
}

function hostAndPort(address: string, defaultPort: number): { host: string; port: number } {
  const match = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(address);
  return { host: match?.[1] ?? address, port: Number(match?.[2] ?? defaultPort) };
}

/**
 * Checks that each external service answers, so a stopped `docker compose` shows up as one line
 * naming the services and addresses, not as a connection error deep inside a test.
 */
export async function checkExternalServices(services: Services, options: { smtp: boolean }): Promise<void> {
  let database: URL;
  try {
    database = new URL(services.databaseUrl);
  } catch {
    throw new EnvironmentError('DATABASE_URL is not a URL (expected e.g. postgres://shop:shop@127.0.0.1:5432/shop).');
  }
  const broker = hostAndPort(services.kafkaBrokers[0] ?? '', 9092);
  const checks = [
    { what: `Postgres at ${database.hostname}:${database.port || 5432} (DATABASE_URL)`, answers: tcpAnswers(database.hostname, Number(database.port || 5432)) },
    { what: `Kafka at ${broker.host}:${broker.port} (KAFKA_BROKERS)`, answers: tcpAnswers(broker.host, broker.port) },
    { what: `MailHog at ${services.mailhogUrl} (MAILHOG_URL)`, answers: httpAnswersOk(`${services.mailhogUrl}/api/v2/messages`).catch(() => false) },
  ];
  // Only the shop sends mail: a shop we do not start brings its own SMTP settings.
  if (options.smtp) {
    checks.push({ what: `MailHog SMTP at ${services.smtpHost}:${services.smtpPort} (SMTP_HOST, SMTP_PORT)`, answers: tcpAnswers(services.smtpHost, services.smtpPort) });
  }
  const silent: string[] = [];
  for (const check of checks) if (!(await check.answers)) silent.push(check.what);
  if (silent.length > 0) {
    throw new EnvironmentError(
      `External services do not answer: ${silent.join('; ')}. Start them (\`docker compose up -d\`) or fix the addresses in .env.`,
    );
  }
}
