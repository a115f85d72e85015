import type { BaseContext } from '@waitlessq/subgraph-kit';
import { createLoaders, type Loaders } from './loaders';
import type { BusinessCaches } from './public-cache';

export interface BusinessContext extends BaseContext {
  loaders: Loaders;
  /** Shared by every request of this instance; writers invalidate what they changed. */
  caches: BusinessCaches;
}

export function createBusinessContext(caches: BusinessCaches) {
  return (base: BaseContext): BusinessContext => ({ ...base, caches, loaders: createLoaders(base.runtime.db.prisma, caches) });
}
