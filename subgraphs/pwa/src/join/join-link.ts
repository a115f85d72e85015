import { AppError } from '@waitlessq/errors';
import { createPeerClient, type ServiceRuntime } from '@waitlessq/subgraph-kit';
import { isUuid } from '@waitlessq/validation';
import { appLocation } from '../builds/app-location';

export interface JoinTarget {
  businessId: string;
  queue: { id: string; name: string } | null;
}

const queueQuery = `query PwaJoinQueueOf($id: ID!) { queue(id: $id) { id name business { id } } }`;

/**
 * The business's app at its latest version; with a queue, its join form (`?queue=`), which the
 * app opens directly. The address is stable: a code printed once keeps working for every
 * later version.
 */
export function joinLinkOf(publicUrl: string, target: JoinTarget): string {
  const url = new URL(appLocation(publicUrl, target.businessId).latestUrl('index.html'));
  if (target.queue) url.searchParams.set('queue', target.queue.id);
  return url.toString();
}

/** The queue must be one of the business's (asked of the queue subgraph, which owns queues). */
export async function resolveJoinTarget(
  runtime: ServiceRuntime,
  businessId: string,
  queueId: string | null | undefined,
  requestId?: string,
): Promise<JoinTarget> {
  if (queueId === null || queueId === undefined) return { businessId, queue: null };
  const notFound = new AppError('NOT_FOUND', 'queueId is not a queue of this business.', { field: 'queueId' });
  if (!isUuid(queueId)) throw notFound;
  const { queue } = await createPeerClient(runtime)
    .request<{ queue: { id: string; name: string; business: { id: string } } | null }>('queue', queueQuery, { id: queueId }, requestId)
    .catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'NOT_FOUND') return { queue: null };
      throw error;
    });
  if (!queue || queue.business.id !== businessId) throw notFound;
  return { businessId, queue: { id: queue.id, name: queue.name } };
}
