export { createServiceRuntime } from './runtime';
export type { ServiceRuntime, SharedResources } from './runtime';
export { createSubgraphServer } from './server';
export type { SubgraphServer, SubgraphDefinition, BaseContext } from './server';
export { createByIdLoader } from './loaders';
export { createPeerClient } from './peers';
export type { PeerClient } from './peers';
export { runUntilSignalled } from './lifecycle';
export { organizationScope } from './scope';
