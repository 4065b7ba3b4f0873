import { checkContainerEngine, startContainerServices } from './containers';
import { EnvironmentError } from './errors';
import { checkExternalServices, EXTERNAL_ADDRESS_VARIABLES, externalAddressesGiven, externalServices } from './external';
import { startNativeServices } from './native';
import type { EnvironmentRun } from './run';
import { seconds } from './timing';
import type { ProviderChoice, ProviderName, Services } from './types';

const CHOICES: readonly ProviderChoice[] = ['auto', 'containers', 'native', 'external'];
/** auto only asks briefly: no answer soon means no usable engine here. */
const AUTO_ENGINE_CHECK_MS = 3_000;

/** E2E_ENV, checked (default auto). */
export function providerChoice(env: NodeJS.ProcessEnv = process.env): ProviderChoice {
  const value = (env.E2E_ENV || 'auto').trim().toLowerCase();
  if (!(CHOICES as readonly string[]).includes(value)) {
    throw new EnvironmentError(`E2E_ENV=${env.E2E_ENV} is not one of ${CHOICES.join(', ')}.`);
  }
  return value as ProviderChoice;
}

/**
 * Resolves `auto`: external when the addresses are given, else containers when a Docker engine
 * answers, else native. Returns the provider and why it was picked, for the log line.
 */
export async function resolveProvider(env: NodeJS.ProcessEnv = process.env): Promise<{ provider: ProviderName; reason: string }> {
  const choice = providerChoice(env);
  if (choice !== 'auto') return { provider: choice, reason: `E2E_ENV=${choice}` };
  if (externalAddressesGiven(env)) return { provider: 'external', reason: `${listed(EXTERNAL_ADDRESS_VARIABLES)} are set` };
  const engine = await checkContainerEngine(AUTO_ENGINE_CHECK_MS);
  if (engine.answered) return { provider: 'containers', reason: 'a Docker engine answered' };
  return { provider: 'native', reason: `no Docker engine answered (${engine.reason})` };
}

/** "A, B and C" */
function listed(names: readonly string[]): string {
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : (names[0] ?? '');
}

export interface StartServicesOptions {
  env?: NodeJS.ProcessEnv;
  /** The suite starts the shop itself: external mode then also checks what only the shop uses (MailHog's SMTP side). */
  startsShop?: boolean;
  /** Hears the services' variables as soon as they are known: in native mode, before the services are ready. */
  onAddresses?: (services: Services) => void;
}

/** Services on their way: where they will answer, as soon as that is known, and when they are all ready. */
export interface ServicesStarting {
  /** Native mode: once the ports are chosen, before the services are ready. Containers and external: once ready. */
  addresses: Promise<Services>;
  ready: Promise<Services>;
}

/**
 * startServices, with the addresses given out early, so that what needs only to know where the services will be (a
 * shop that waits for them itself) can start alongside them. Neither promise is reported unhandled: await them.
 */
export function startServicesEarly(run: EnvironmentRun, options: StartServicesOptions = {}): ServicesStarting {
  let announce: (services: Services) => void = () => undefined;
  const announced = new Promise<Services>((resolve) => (announce = resolve));
  const ready = startServices(run, { ...options, onAddresses: announce });
  // The first of: the addresses announced, the services ready (their addresses then), or their failure.
  const addresses = Promise.race([announced, ready]);
  ready.catch(() => undefined);
  addresses.catch(() => undefined);
  return { addresses, ready };
}

/** Provides every service of the registry (services/) with the chosen provider; everything started is registered with `run`. */
export async function startServices(run: EnvironmentRun, options: StartServicesOptions = {}): Promise<Services> {
  const env = options.env ?? process.env;
  const { provider, reason } = await resolveProvider(env);
  console.log(`[env] provider: ${provider} (${reason})`);
  const began = performance.now();
  const services = await startWithProvider(provider, run, env, options.startsShop ?? true, options.onAddresses);
  if (provider !== 'external') console.log(`[env] ${provider} services ready in ${seconds(performance.now() - began)}`);
  return services;
}

async function startWithProvider(
  provider: ProviderName,
  run: EnvironmentRun,
  env: NodeJS.ProcessEnv,
  startsShop: boolean,
  onAddresses?: (services: Services) => void,
): Promise<Services> {
  switch (provider) {
    case 'external': {
      const services = externalServices(env);
      await checkExternalServices(services, { startsShop });
      return services;
    }
    case 'containers':
      return startContainerServices(run);
    case 'native':
      return startNativeServices(run, env, onAddresses);
  }
}
