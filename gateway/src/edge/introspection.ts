import type { ApolloServerPlugin } from '@apollo/server';
import { BREAK, visit, type DocumentNode } from 'graphql';
import type { Identity } from '@waitlessq/auth';
import type { GatewayContext } from '../context';
import { refusal } from './refusal';

export const isPlatformAdmin = (identity: Identity): boolean => identity.kind === 'staff' && identity.platformAdmin;

/** Per parsed document: Apollo keeps them, so a repeated query is walked once. */
const introspecting = new WeakMap<DocumentNode, boolean>();

function introspects(document: DocumentNode): boolean {
  let found = introspecting.get(document);
  if (found === undefined) introspecting.set(document, (found = walkForIntrospection(document)));
  return found;
}

function walkForIntrospection(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(field) {
      if (field.name.value === '__schema' || field.name.value === '__type') {
        found = true;
        return BREAK;
      }
    },
  });
  return found;
}

/**
 * Introspection for everyone where it is enabled (INTROSPECTION_ENABLED; on outside production)
 * and for platform admins always. Apollo's own switch is global, so it stays on and this plugin
 * decides per caller. `__typename` is not introspection: clients need it everywhere.
 */
export function useIntrospectionControl(options: { enabled: boolean }): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      if (options.enabled || isPlatformAdmin(contextValue.identity)) return;
      return {
        async didResolveOperation({ document }) {
          if (introspects(document)) {
            throw refusal('INTROSPECTION_DISABLED', 'Introspection is disabled on this server (INTROSPECTION_ENABLED); platform admins may introspect.', 403);
          }
        },
      };
    },
  };
}
