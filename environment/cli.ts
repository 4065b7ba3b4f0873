/**
 * The environment from the command line:
 *   npx tsx environment/cli.ts prepare        download/build the native binaries into the cache (idempotent; CI runs it first)
 *   npx tsx environment/cli.ts up [--no-shop] start the services (and the payment gateway and the shop), print their addresses as .env lines,
 *                                              keep them running until Ctrl-C, then clean up
 */
import { config as loadDotenv } from 'dotenv';
import { EnvironmentError, messageOf } from './errors';
import { dotenvLines } from './handoff';
import { prepareNative } from './native';
import { resolveShopSettings } from './node-service';
import type { PaymentSettings } from './payment-gateway';
import { cacheDir, cliLogDir, displayPath } from './paths';
import { startServicesEarly } from './providers';
import { EnvironmentRun } from './run';
import { startShopStack } from './shop-stack';
import { stopRunOnSignals } from './signals';
import { seconds } from './timing';

const USAGE = 'usage: npx tsx environment/cli.ts prepare | up [--no-shop]';

async function prepare(): Promise<void> {
  const began = performance.now();
  const outcomes = await prepareNative({ logDir: cliLogDir('prepare') });
  console.log(`[env] native binaries in ${displayPath(cacheDir())}: ${outcomes} (${seconds(performance.now() - began)})`);
}

async function up(withShop: boolean): Promise<void> {
  const run = new EnvironmentRun({ logDir: cliLogDir('up') });
  // Ctrl-C is how `up` normally ends: stop everything and exit 0.
  const signals = stopRunOnSignals(run, ['SIGINT', 'SIGTERM', 'SIGHUP'], { exitCode: 0 });
  try {
    const servicesStarting = startServicesEarly(run, { startsShop: withShop });
    const settings = resolveShopSettings();
    let shopUrl: string | undefined;
    let payments: PaymentSettings | undefined;
    if (withShop) {
      const stack = await startShopStack(servicesStarting, run, settings);
      shopUrl = stack.shop.url;
      payments = stack.gateway.payments;
    }
    const services = await servicesStarting.ready;
    const lines = dotenvLines({ services, shopUrl, settings: withShop ? settings : {}, payments, logDir: withShop ? run.logDir : undefined });
    console.log(`\n# ${withShop ? 'Services, payment gateway and shop' : 'Services'} are up (logs in ${displayPath(run.logDir)}). For .env:`);
    console.log(lines.join('\n'));
    console.log('\n# Ctrl-C stops everything.');
  } catch (error) {
    await run.stop();
    // Interrupted while starting: the failure is a consequence of the stop; the signal handler exits.
    if (signals.received) await new Promise<never>(() => undefined);
    throw error;
  }
  // Children are unref'd, so keep the process (and with it the run) alive until a signal ends it.
  setInterval(() => undefined, 1 << 30);
}

async function main(argv: string[]): Promise<void> {
  loadDotenv({ quiet: true });
  const [command, ...flags] = argv;
  if (command === 'prepare' && flags.length === 0) return prepare();
  if (command === 'up' && flags.every((flag) => flag === '--no-shop')) return up(!flags.includes('--no-shop'));
  console.error(USAGE);
  process.exit(2);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof EnvironmentError) {
    console.error(`[env] ${error.message}`);
    if (error.details) console.error(error.details);
  } else {
    console.error(`[env] unexpected failure: ${messageOf(error)}`);
    console.error(error);
  }
  process.exit(1);
});
