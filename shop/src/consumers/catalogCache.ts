import type { Consumer } from 'kafkajs';
import type { EventEnvelope, ProductChangedPayload } from '../events';
import type { Catalog } from '../services/catalog';
import { startEventConsumer, type EventConsumerOptions } from './eventConsumer';

export type CatalogCacheConsumerOptions = Omit<EventConsumerOptions, 'group' | 'handlers'> & { catalog: Catalog };

/**
 * The `catalog-cache` consumer: every products.changed drops the product and its categories' listings from the cache,
 * whichever shop made the change (an admin's edit on another instance, an order's stock). One group for all shops,
 * as they share one Redis. A Redis that does not answer fails the handler, so the event is retried until it does:
 * an invalidation is never dropped, only late.
 */
export function startCatalogCacheConsumer(options: CatalogCacheConsumerOptions): Promise<Consumer> {
  return startEventConsumer({
    ...options,
    group: 'shop-catalog-cache',
    handlers: {
      'products.changed': (event: EventEnvelope<ProductChangedPayload>) =>
        options.catalog.invalidate({ productId: event.payload.productId, categories: event.payload.categories }),
    },
  });
}
