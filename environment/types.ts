/** How the infrastructure of a run is provided (E2E_ENV). */
export type ProviderName = 'containers' | 'native' | 'external';
export type ProviderChoice = ProviderName | 'auto';

/**
 * The services one run uses, as the variables that reach them (DATABASE_URL, KAFKA_BROKERS,
 * MAILHOG_URL, SMTP_HOST, SMTP_PORT, ...): global-setup hands them to the workers, the shop gets
 * those it reads. Which service gives which is in services/.
 */
export interface Services {
  provider: ProviderName;
  variables: Record<string, string>;
}
