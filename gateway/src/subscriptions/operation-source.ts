import type { Identity } from '@waitlessq/auth';
import { sha256 } from '@waitlessq/auth';
import { AppError } from '@waitlessq/errors';

/** The operations of the trusted documents manifest, by id (gateway/src/edge/trusted-documents.ts). */
export interface TrustedOperations {
  get(id: string): Promise<string | undefined>;
}

interface SubscribePayload {
  query: string;
  extensions?: Record<string, unknown> | null;
}

/**
 * The document a subscribe message asks for. Partner keys may run only the manifest's
 * operations, over WebSocket as over HTTP: by id (`extensions.persistedQuery.sha256Hash`, the
 * query left empty, since graphql-ws requires the field), or by sending a manifest body as
 * it is. Other callers send their query, or a manifest id.
 */
export async function operationText(payload: SubscribePayload, identity: Identity, trusted: TrustedOperations | undefined): Promise<string> {
  const persisted = payload.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined;
  const id = typeof persisted?.sha256Hash === 'string' ? persisted.sha256Hash : undefined;
  const partner = identity.kind === 'partner';
  if (id !== undefined) {
    const body = await trusted?.get(id);
    if (body) return body;
    if (partner) throw new AppError('OPERATION_NOT_ALLOWED', `Operation ${id} is not in the manifest; partner keys may run only the manifest's operations.`);
    if (!payload.query) throw new AppError('PERSISTED_QUERY_NOT_FOUND', 'Only the operations of the manifest can be sent by id over WebSocket.');
    return payload.query;
  }
  if (partner && !(await trusted?.get(sha256(payload.query)))) {
    throw new AppError('OPERATION_NOT_ALLOWED', "Partner keys may run only the manifest's operations: send extensions.persistedQuery with the operation's id.");
  }
  return payload.query;
}
