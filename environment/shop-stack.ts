import { startShop, type ShopSettings, type StartedNodeService } from './node-service';
import { shopPaymentEnvironment, startPaymentGateway, type StartedGateway } from './payment-gateway';
import { choosePorts } from './ports';
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
 */
export async function startShopStack(services: Services, run: EnvironmentRun, settings: ShopSettings): Promise<ShopStack> {
  const ports = await choosePorts(['E2E_SHOP_PORT', 'E2E_GATEWAY_PORT'] as const);
  const gateway = await timed('gateway', () => startPaymentGateway(run, { shopPort: ports.E2E_SHOP_PORT, port: ports.E2E_GATEWAY_PORT }));
  const shop = await timed('shop', () => startShop(services, run, { settings, port: ports.E2E_SHOP_PORT, env: shopPaymentEnvironment(gateway.payments) }));
  return { shop, gateway };
}
