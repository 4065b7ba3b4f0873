/** How the infrastructure of a run is provided (E2E_ENV). */
export type ProviderName = 'containers' | 'native' | 'external';
export type ProviderChoice = ProviderName | 'auto';

/** The addresses of the services one run uses; global-setup hands them to the workers. */
export interface Services {
  provider: ProviderName;
  /** postgres://user:password@host:port/shop */
  databaseUrl: string;
  /** host:port of each broker, for KAFKA_BROKERS (comma-joined). */
  kafkaBrokers: string[];
  /** MailHog's HTTP API and UI, e.g. http://127.0.0.1:8025 */
  mailhogUrl: string;
  /** MailHog's SMTP side, where the shop sends mail. */
  smtpHost: string;
  smtpPort: number;
}
