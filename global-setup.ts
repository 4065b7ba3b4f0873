import type { FullConfig } from '@playwright/test';
import { config as loadDotenv } from 'dotenv';
import { resolveChromium } from './environment/browser';
import { EnvironmentError } from './environment/errors';
import { exportToWorkers } from './environment/handoff';
import { resolveShopSettings } from './environment/node-service';
import { passwordHashingNote } from './environment/password-hashing';
import { missingPaymentVariables, paymentSettingsFromEnv, type PaymentSettings } from './environment/payment-gateway';
import { runLogDir } from './environment/paths';
import { startServicesEarly } from './environment/providers';
import { EnvironmentRun } from './environment/run';
import { startShopStack } from './environment/shop-stack';
import { stopRunOnSignals } from './environment/signals';
import { seconds } from './environment/timing';
import { describeOutboundAttempts, outboundAttempts } from './environment/outbound';

/** The run needs a browser only when the `browser` project is part of it (e.g. not with --project=api). */
function checkBrowser(config: FullConfig): void {
  const projects = config.filteredProjects ?? config.projects;
  if (!projects.some((project) => project.name === 'browser')) return;
  const chromium = resolveChromium();
  if (chromium.source === 'missing') throw new EnvironmentError(chromium.problem ?? 'No Chromium found.');
}

/** `[env] <message>` on stderr, plus the details (a log's tail) when there are any; no stack. */
function printEnvironmentError(error: EnvironmentError): void {
  console.error(`[env] ${error.message}`);
  if (error.details) console.error(error.details.replace(/^/gm, '      '));
}

/** A shop we did not start has its own provider: the suite can only pay against it with its settings from .env. */
function warnAboutMissingPayments(payments: Partial<PaymentSettings>): void {
  const missing = missingPaymentVariables(payments);
  if (missing.length === 0) return;
  console.warn(`[env] SHOP_URL is set but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not: tests that pay will fail; set them in .env (see .env.example)`);
}

/**
 * Provides Postgres, Kafka and MailHog (E2E_ENV: auto | containers | native | external), starts the
 * payment gateway and the shop unless SHOP_URL points at a shop, and hands the addresses to the
 * workers through process.env.
 * The returned function is the teardown: it stops everything this run started.
 */
export default async function globalSetup(config: FullConfig): Promise<() => Promise<void>> {
  loadDotenv({ quiet: true });
  const began = performance.now();
  const run = new EnvironmentRun({ logDir: runLogDir(config.projects[0]?.outputDir) });
  // Playwright runs the teardown on Ctrl-C only once setup has returned; until then, we stop things ourselves.
  const signals = stopRunOnSignals(run, ['SIGINT', 'SIGTERM', 'SIGHUP']);
  try {
    checkBrowser(config);
    const externalShop = process.env.SHOP_URL;
    // The gateway starts, the shop is built and (native) started, while the services start (shop-stack.ts).
    const servicesStarting = startServicesEarly(run, { startsShop: !externalShop });
    const settings = resolveShopSettings();
    let shopUrl = externalShop;
    let payments = paymentSettingsFromEnv();
    if (!shopUrl) {
      const stack = await startShopStack(servicesStarting, run, settings);
      shopUrl = stack.shop.url;
      payments = stack.gateway.payments;
    } else {
      warnAboutMissingPayments(payments);
    }
    const services = await servicesStarting.ready;
    // A random JWT secret and the test hashing cost only hold for a shop we started; an external shop's come from .env.
    const external = { jwtSecret: process.env.JWT_SECRET ? settings.jwtSecret : undefined, passwordHashRounds: process.env.PASSWORD_HASH_ROUNDS };
    // The service logs are ours to read only when we started the shop (an external shop's run writes none here).
    const logDir = externalShop ? undefined : run.logDir;
    exportToWorkers({ services, shopUrl, settings: externalShop ? { ...settings, ...external } : settings, payments, logDir });
    const gateway = payments.gatewayUrl ? `, payment gateway at ${payments.gatewayUrl}` : '';
    console.log(`[env] environment ready in ${seconds(performance.now() - began)}: ${services.provider}, shop at ${shopUrl}${gateway}`);
    if (!externalShop) console.log(`[env] ${passwordHashingNote(settings.passwordHashRounds)}`);
  } catch (error) {
    await run.stop();
    // Interrupted: the signal handler exits once the run has stopped; a failure caused by the stop is noise.
    if (signals.received) await new Promise<never>(() => undefined);
    if (error instanceof EnvironmentError) {
      printEnvironmentError(error);
      process.exit(1);
    }
    throw error;
  }
  signals.release('SIGINT');
  return async () => {
    await run.stop();
    signals.dispose();
    // The shop and the gateway may reach only what the environment gave them (environment/outbound-guard.cjs).
    const refused = describeOutboundAttempts(outboundAttempts(run.logDir));
    if (refused.length > 0) {
      const message = refused.map((line) => `[guard] ${line}`).join('\n');
      const error = new Error(message);
      error.stack = message;
      throw error;
    }
  };
}
