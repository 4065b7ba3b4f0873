import { builtServer } from './build';
import { SHOP_ENTRY, startShop, type ShopSettings, type StartedNodeService } from './node-service';
import { shopPaymentEnvironment, startPaymentGateway, type StartedGateway } from './payment-gateway';
import { choosePorts } from './ports';
import type { ServicesStarting } from './providers';
import type { EnvironmentRun } from './run';
import { timed } from './timing';
import type { Services } from './types';

export interface ShopStack {
  shop: StartedNodeService;
  gateway: StartedGateway;
}

/**
 * The shop and its payment provider: the shop's port is picked first (its webhook endpoint is part of
 * the gateway's account), then the gateway starts, then the shop with its STRIPE_* settings pointing
 * at it. Both are stopped with the run, the shop first.
 *
 * Each starts as soon as what it needs is there. The gateway needs none of the services: it starts, and the shop is
 * bundled, while they start. The shop needs their addresses: given `ServicesStarting` (startServicesEarly), it starts
 * as soon as those are known (in native mode before the services are ready: its own start waits for Postgres, Kafka
 * and SMTP, so it loads and connects while Kafka is still starting) and is ready once they all are.
 */
export async function startShopStack(services: Services | ServicesStarting, run: EnvironmentRun, settings: ShopSettings): Promise<ShopStack> {
  const starting = 'ready' in services ? services : { addresses: Promise.resolve(services), ready: Promise.resolve(services) };
  const ports = await choosePorts(['E2E_SHOP_PORT', 'E2E_GATEWAY_PORT'] as const);
  const gatewayStarting = timed('gateway', () => startPaymentGateway(run, { shopPort: ports.E2E_SHOP_PORT, port: ports.E2E_GATEWAY_PORT }));
  // Settled together, so a failure of one is reported after the other has finished (nothing left unawaited).
  const [known, gateway] = await Promise.allSettled([Promise.all([starting.addresses, builtServer(SHOP_ENTRY)]), gatewayStarting]);
  if (known.status === 'rejected') throw known.reason;
  if (gateway.status === 'rejected') throw gateway.reason;
  const [addresses] = known.value;
  const shopStarting = timed('shop', () =>
    startShop(addresses, run, { settings, port: ports.E2E_SHOP_PORT, env: shopPaymentEnvironment(gateway.value.payments) }),
  );
  // The first failure ends the wait: services that did not come up fail the run without waiting out the shop's start.
  const [, shop] = await Promise.all([starting.ready, shopStarting]);
  return { shop, gateway: gateway.value };
}
