export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string; [key: string]: unknown } }[];
}

export interface GraphQLCall {
  /** Left out for a persisted operation sent by its id or hash alone (`extensions.persistedQuery`). */
  query?: string;
  operationName?: string;
  variables?: Record<string, unknown>;
  extensions?: Record<string, unknown>;
  /** An access token, sent as `Authorization: Bearer`. */
  token?: string;
  /** A partner API key, sent as `x-api-key`. */
  apiKey?: string;
  headers?: Record<string, string>;
}

/** One GraphQL request over HTTP, as a client of the API would send it. */
export async function graphql<T = Record<string, unknown>>(url: string, call: GraphQLCall): Promise<GraphQLResponse<T> & { status: number }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(call.token ? { authorization: `Bearer ${call.token}` } : {}),
      ...(call.apiKey ? { 'x-api-key': call.apiKey } : {}),
      ...call.headers,
    },
    body: JSON.stringify({ query: call.query, operationName: call.operationName, variables: call.variables ?? {}, extensions: call.extensions }),
  });
  const body = (await response.json()) as GraphQLResponse<T>;
  return { ...body, status: response.status };
}

/** The data of a request that must succeed; throws with the errors otherwise. */
export async function graphqlOk<T = Record<string, unknown>>(url: string, call: GraphQLCall): Promise<T> {
  const result = await graphql<T>(url, call);
  if (result.errors?.length || !result.data) {
    throw new Error(`GraphQL request failed (${result.status}): ${JSON.stringify(result.errors ?? result)}`);
  }
  return result.data;
}

/** The first error code of a response (the way a client branches on failures). */
export const errorCode = (result: GraphQLResponse<unknown>) => result.errors?.[0]?.extensions?.code;
