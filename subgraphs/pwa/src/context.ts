import type { BaseContext } from '@waitlessq/subgraph-kit';
import type { BusinessDirectory } from './business-directory';
import { createLoaders, type Loaders } from './loaders';

export interface PwaContext extends BaseContext {
  loaders: Loaders;
  businesses: BusinessDirectory;
}

export function createPwaContextFactory(businesses: BusinessDirectory) {
  return (base: BaseContext): PwaContext => ({ ...base, loaders: createLoaders(base.runtime.db.prisma), businesses });
}
