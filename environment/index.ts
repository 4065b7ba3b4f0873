/** The environment/ API: how a run gets its Postgres, Kafka, MailHog, payment gateway and shop (see DESIGN.md, "The environment"). */
export { resolveChromium, type ChromiumChoice } from './browser';
export { checkContainerEngine, IMAGES, startContainerServices } from './containers';
export { EnvironmentError, messageOf } from './errors';
export { checkExternalServices, externalAddressesGiven, externalServices } from './external';
export { dotenvLines, exportToWorkers, servicesFromEnv, type RunEnvironment } from './handoff';
export { KAFKA_VERSION, MAILHOG_VERSION, prepareNative, startNativeServices } from './native';
export {
  DEFAULT_ADMIN_EMAIL,
  DEFAULT_ADMIN_PASSWORD,
  resolveShopSettings,
  shopEnvironment,
  startNodeService,
  startShop,
  type NodeServiceOptions,
  type ShopSettings,
  type StartedNodeService,
  type StartShopOptions,
} from './node-service';
export {
  addShopAccount,
  missingPaymentVariables,
  newGatewayAccount,
  paymentSettingsFromEnv,
  shopPaymentEnvironment,
  shopWebhookUrl,
  startPaymentGateway,
  type GatewayAccount,
  type PaymentSettings,
  type StartedGateway,
} from './payment-gateway';
export { cacheDir, cliLogDir, repoRoot, runLogDir } from './paths';
export { choosePort, freePort } from './ports';
export { providerChoice, resolveProvider, startServices, type StartServicesOptions } from './providers';
export { EnvironmentRun } from './run';
export { startShopStack, type ShopStack } from './shop-stack';
export { stopRunOnSignals, type SignalGuard } from './signals';
export { seconds, timed } from './timing';
export type { ProviderChoice, ProviderName, Services } from './types';
