import type { Request } from 'express';

/** The parts of a GraphQL-over-HTTP request the edge looks at before Apollo parses it. */
export interface GraphQLParams {
  query?: unknown;
  operationName?: unknown;
  extensions?: unknown;
}

/**
 * From the JSON body of a POST or the search parameters of a GET. Malformed values are passed
 * on as they are: Apollo answers them with its own BAD_REQUEST.
 */
export function readGraphQLParams(req: Request): GraphQLParams {
  if (req.method === 'POST') {
    const body: unknown = req.body;
    return body && typeof body === 'object' && !Array.isArray(body) ? (body as GraphQLParams) : {};
  }
  const search = req.query as Record<string, unknown>;
  return { query: search.query, operationName: search.operationName, extensions: parseJson(search.extensions) };
}

function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

export interface PersistedQueryExtension {
  version: unknown;
  sha256Hash: unknown;
}

/** `extensions.persistedQuery` of Apollo's APQ protocol, when the request has one. */
export function persistedQueryOf(extensions: unknown): PersistedQueryExtension | undefined {
  if (!extensions || typeof extensions !== 'object') return undefined;
  const persisted = (extensions as { persistedQuery?: unknown }).persistedQuery;
  return persisted && typeof persisted === 'object' ? (persisted as PersistedQueryExtension) : undefined;
}
