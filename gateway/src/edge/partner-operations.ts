import type { ApolloServerPlugin, GraphQLRequest } from '@apollo/server';
import type { GraphQLError } from 'graphql';
import type { Identity } from '@waitlessq/auth';
import type { GatewayContext } from '../context';
import { persistedQueryOf } from './request-params';
import { refusal } from './refusal';
import type { TrustedDocuments } from './trusted-documents';

const byIdOnly = 'Partner keys may run only the operations of the manifest, by id: send extensions.persistedQuery ({ version: 1, sha256Hash: <manifest id> }).';

/**
 * Why a partner may not run this request, or undefined when it may (and for every other kind of
 * caller). A partner names a manifest operation by its id; an id some client registered as an
 * automatic persisted query is not enough, and neither is a query of its own.
 */
export async function partnerOperationRefusal(
  identity: Identity,
  request: Pick<GraphQLRequest, 'extensions'>,
  trusted: Pick<TrustedDocuments, 'has'>,
): Promise<GraphQLError | undefined> {
  if (identity.kind !== 'partner') return undefined;
  const hash = persistedQueryOf(request.extensions)?.sha256Hash;
  if (typeof hash !== 'string') return refusal('OPERATION_NOT_ALLOWED', byIdOnly, 403);
  if (!(await trusted.has(hash))) return refusal('OPERATION_NOT_ALLOWED', `Operation ${hash} is not in the manifest. ${byIdOnly}`, 403);
  return undefined;
}

/** Applies partnerOperationRefusal before any subgraph is called. */
export function usePartnerOperations(trusted: TrustedDocuments): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      if (contextValue.identity.kind !== 'partner') return;
      return {
        async didResolveOperation({ request }) {
          const error = await partnerOperationRefusal(contextValue.identity, request, trusted);
          if (error) throw error;
        },
        // A hash nobody knows: Apollo answers PERSISTED_QUERY_NOT_FOUND, which tells a client to
        // send the query along, something a partner may not do.
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const [first] = response.body.singleResult.errors ?? [];
          if (first?.extensions?.code !== 'PERSISTED_QUERY_NOT_FOUND') return;
          response.http.status = 403;
          response.body.singleResult = { errors: [{ message: `This id is not in the manifest. ${byIdOnly}`, extensions: { code: 'OPERATION_NOT_ALLOWED' } }] };
        },
      };
    },
  };
}
