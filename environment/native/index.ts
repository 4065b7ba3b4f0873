import { cacheDir } from '../paths';
import { choosePorts } from '../ports';
import type { EnvironmentRun } from '../run';
import { startAllSettled, timed } from '../timing';
import type { Services } from '../types';
import { ensureKafka, isKafkaDownloaded, startNativeKafka } from './kafka';
import { ensureMailhog, isMailhogBuilt, startNativeMailhog } from './mailhog';
import { hydratePostgresSymlinks, startNativePostgres } from './postgres';
import { requireGo, requireJava, requireMaven } from './requirements';

/** Fails before anything starts when a tool this machine needs for native mode is missing. */
function checkNativePrerequisites(cache: string): void {
  requireJava();
  if (!isKafkaDownloaded(cache)) requireMaven();
  if (!isMailhogBuilt(cache)) requireGo();
}

/**
 * Postgres, Kafka and MailHog as local processes, started in parallel on free ports (or the ports
 * fixed in E2E_POSTGRES_PORT, E2E_KAFKA_PORT, E2E_SMTP_PORT, E2E_MAILHOG_PORT).
 */
export async function startNativeServices(run: EnvironmentRun, env: NodeJS.ProcessEnv = process.env): Promise<Services> {
  const cache = cacheDir(env);
  checkNativePrerequisites(cache);
  const ports = await choosePorts(['E2E_POSTGRES_PORT', 'E2E_KAFKA_PORT', 'E2E_SMTP_PORT', 'E2E_MAILHOG_PORT'], env);
  const [databaseUrl, kafkaBrokers, mailhogUrl] = await startAllSettled([
    () => timed('postgres', () => startNativePostgres(run, ports.E2E_POSTGRES_PORT)),
    () => timed('kafka', () => startNativeKafka(run, { cache, port: ports.E2E_KAFKA_PORT })),
    () => timed('mailhog', () => startNativeMailhog(run, { cache, smtpPort: ports.E2E_SMTP_PORT, httpPort: ports.E2E_MAILHOG_PORT })),
  ] as const);
  return { provider: 'native', databaseUrl, kafkaBrokers, mailhogUrl, smtpHost: '127.0.0.1', smtpPort: ports.E2E_SMTP_PORT };
}

/** Downloads and builds what native mode needs into the cache (idempotent): CI runs this before the tests. */
export async function prepareNative(options: { logDir: string; env?: NodeJS.ProcessEnv }): Promise<{ kafka: 'downloaded' | 'cached'; mailhog: 'built' | 'cached' }> {
  const cache = cacheDir(options.env);
  checkNativePrerequisites(cache);
  hydratePostgresSymlinks();
  const [kafka, mailhog] = await startAllSettled([() => ensureKafka(cache, options.logDir), () => ensureMailhog(cache, options.logDir)] as const);
  return { kafka: kafka.downloaded ? 'downloaded' : 'cached', mailhog: mailhog.built ? 'built' : 'cached' };
}
