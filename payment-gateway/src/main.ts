/**
 * The payment gateway fake: `npm run gateway`, or the suite's bundle of it, payment-gateway/dist/main.js (see ../README.md).
 * Configuration comes from the environment; SIGTERM or SIGINT stops it cleanly.
 */
import { loadConfig } from './config';
import { createGateway } from './gateway';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    console.error(`[gateway] cannot start: ${(error as Error).message}`);
    process.exit(1);
  }
  const gateway = createGateway(config);
  const url = await gateway.listen();
  console.log(`[gateway] listening on ${url} for ${config.accounts.map((account) => account.id).join(', ')}`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`[gateway] ${signal}: shutting down`);
    gateway.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('[gateway] shutdown failed:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error('[gateway] failed to start:', error);
  process.exit(1);
});
