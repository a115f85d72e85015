import type { ApolloServerPlugin } from '@apollo/server';
import { Kind } from 'graphql';
import { refusal } from './refusal';

/**
 * A document without the operation the request names (or with several and no name) is the
 * client's mistake: refused with 400 here, where the gateway's executor would fail with a 500.
 */
export function useOperationResolution(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, request, document }) {
          if (operation) return;
          const named = request.operationName;
          const count = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION).length;
          const message = named
            ? `Unknown operation named "${named}".`
            : count === 0
              ? 'The document has no operation to run.'
              : `The document has ${count} operations: name the one to run in operationName.`;
          throw refusal('OPERATION_RESOLUTION_FAILURE', message, 400);
        },
      };
    },
  };
}
