import type { ApolloServerPlugin } from '@apollo/server';
import { apiKeyHeader } from '@waitlessq/auth';

/**
 * A successful query sent by GET without credentials (typically a persisted query: a hash and
 * variables in the URL) is public for maxAgeSeconds, so a CDN can answer the next identical
 * request. Everything else (POST, mutations, credentials, errors) is `no-store`: the API answers
 * personal data, which no shared cache may keep. `Vary` keeps a cached anonymous answer from
 * being served to a request with credentials, which would get a different one.
 */
export function useCdnCaching(options: { maxAgeSeconds: number }): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ request, response, operation }) {
          const http = request.http;
          if (!http) return;
          const anonymous = !http.headers.get('authorization') && !http.headers.get(apiKeyHeader);
          const succeeded = response.body.kind === 'single' && !response.body.singleResult.errors?.length && (response.http.status ?? 200) === 200;
          const cacheable = options.maxAgeSeconds > 0 && http.method === 'GET' && operation?.operation === 'query' && anonymous && succeeded;
          response.http.headers.set('cache-control', cacheable ? `public, max-age=${options.maxAgeSeconds}` : 'no-store');
          if (http.method === 'GET') response.http.headers.set('vary', `accept, authorization, ${apiKeyHeader}, origin`);
        },
      };
    },
  };
}
