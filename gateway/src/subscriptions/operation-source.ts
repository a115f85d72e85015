import type { Identity } from '@waitlessq/auth';
import { AppError } from '@waitlessq/errors';
import type { GraphQLError } from 'graphql';
import { partnerOperationRefusal, type TrustedDocuments } from '../edge';

/** The operations of the trusted documents manifest, by id (gateway/src/edge/trusted-documents.ts). */
export type TrustedOperations = Pick<TrustedDocuments, 'get' | 'has'>;

interface SubscribePayload {
  query: string;
  extensions?: Record<string, unknown> | null;
}

/**
 * The document a subscribe message asks for. Partner keys may run only the manifest's
 * operations, by id (`extensions.persistedQuery.sha256Hash`, the query left empty, since
 * graphql-ws requires the field): the rule of the HTTP transport (edge/partner-operations.ts),
 * applied by the same function, with the same code. Other callers send their query, or a
 * manifest id.
 */
export async function operationText(payload: SubscribePayload, identity: Identity, trusted: TrustedOperations): Promise<string | GraphQLError> {
  const refused = await partnerOperationRefusal(identity, { extensions: payload.extensions ?? undefined }, trusted);
  if (refused) return refused;
  const persisted = payload.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined;
  const id = typeof persisted?.sha256Hash === 'string' ? persisted.sha256Hash : undefined;
  if (id === undefined) return payload.query;
  const body = await trusted.get(id);
  if (body) return body;
  if (!payload.query) throw new AppError('PERSISTED_QUERY_NOT_FOUND', 'Only the operations of the manifest can be sent by id over WebSocket.');
  return payload.query;
}
