import type { JobHandlers } from '@waitlessq/jobs';
import type { ServiceRuntime } from '@waitlessq/subgraph-kit';

/** Filled by the notifications work. */
export function createHandlers(_runtime: ServiceRuntime): JobHandlers {
  return {};
}
