import { requireCommand } from '../tools';

/** The tools native mode runs on; each check fails with one line saying what needs it and how to get it. */

export function requireJava(): string {
  return requireCommand(
    'java',
    'E2E_ENV=native (Kafka runs on the JDK)',
    'install a JDK 17 or newer (Debian: `apt-get install openjdk-17-jre-headless`), or use E2E_ENV=containers.',
  );
}

export function requireMaven(): string {
  return requireCommand(
    'mvn',
    'The first download of Kafka (from Maven Central)',
    'install Maven (Debian: `apt-get install maven`), or use E2E_ENV=containers.',
  );
}

export function requireGo(): string {
  return requireCommand(
    'go',
    'The first build of MailHog',
    'install Go 1.21 or newer (https://go.dev/dl, Debian: `apt-get install golang`), or use E2E_ENV=containers.',
  );
}

export function requireRedis(): string {
  return requireCommand(
    'redis-server',
    'E2E_ENV=native (the shop caches the catalog in Redis)',
    'install Redis 7 (Debian: `apt-get install redis-server`; on macOS `brew install redis`), or use E2E_ENV=containers.',
  );
}
