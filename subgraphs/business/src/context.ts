import type { BaseContext } from '@waitlessq/subgraph-kit';
import { createLoaders, type Loaders } from './loaders';

export interface BusinessContext extends BaseContext {
  loaders: Loaders;
}

export function createBusinessContext(base: BaseContext): BusinessContext {
  return { ...base, loaders: createLoaders(base.runtime.db.prisma) };
}
