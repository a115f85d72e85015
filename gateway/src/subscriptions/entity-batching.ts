import type { GraphQLDataSource } from '@apollo/gateway';

type ProcessOptions = Parameters<GraphQLDataSource['process']>[0];
type GatewayGraphQLResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

interface Waiting {
  options: ProcessOptions;
  representations: unknown[];
  resolve(response: GatewayGraphQLResponse): void;
  reject(error: unknown): void;
}

/**
 * Entity fetches of many subscribers merged into one request per subgraph. One event is run
 * for every subscriber at once; the `_entities` fetches that are the same operation for the
 * same caller (`batchKey`: document, other variables, identity) within one turn of the event
 * loop go out as one request, each representation once, and every subscriber gets its own
 * entities and errors back. A thousand token holders watching a queue whose payload asks for
 * `queue { business { name } }` cost the business subgraph one request per event, not a thousand.
 * Different identities never share a request: each is authorized as in its own query.
 */
export function batchEntityFetches(source: GraphQLDataSource, batchKey: (options: ProcessOptions) => string): GraphQLDataSource {
  const open = new Map<string, Waiting[]>();
  return {
    process(options) {
      const representations = options.request.variables?.representations;
      if (!Array.isArray(representations)) return source.process(options);
      const key = batchKey(options);
      return new Promise<GatewayGraphQLResponse>((resolve, reject) => {
        let batch = open.get(key);
        if (!batch) {
          open.set(key, (batch = []));
          setImmediate(() => {
            open.delete(key);
            void send(source, batch!);
          });
        }
        batch.push({ options, representations, resolve, reject });
      });
    },
  };
}

async function send(source: GraphQLDataSource, batch: Waiting[]): Promise<void> {
  if (batch.length === 1) {
    const [only] = batch;
    return source.process(only.options).then(only.resolve, only.reject);
  }
  const indexOf = new Map<string, number>();
  const merged: unknown[] = [];
  const positions = batch.map((waiting) =>
    waiting.representations.map((representation) => {
      const key = JSON.stringify(representation);
      let index = indexOf.get(key);
      if (index === undefined) {
        indexOf.set(key, (index = merged.length));
        merged.push(representation);
      }
      return index;
    }),
  );
  const first = batch[0].options;
  let response: GatewayGraphQLResponse;
  try {
    response = await source.process({
      ...first,
      request: { ...first.request, variables: { ...first.request.variables, representations: merged } },
    } as ProcessOptions);
  } catch (error) {
    for (const waiting of batch) waiting.reject(error);
    return;
  }
  const entities = (response.data as { _entities?: unknown[] } | null | undefined)?._entities;
  batch.forEach((waiting, i) => {
    const mine = positions[i];
    // Each subscriber's result tree is merged into separately: it gets its own copies.
    const data = Array.isArray(entities) ? { _entities: mine.map((index) => structuredClone(entities[index])) } : response.data;
    const errors = response.errors?.flatMap((error) => {
      const path = error.path;
      if (path?.[0] !== '_entities' || typeof path[1] !== 'number') return [error];
      return mine.flatMap((index, local) => (index === path[1] ? [{ ...error, path: ['_entities', local, ...path.slice(2)] }] : []));
    });
    waiting.resolve({ ...response, data, errors: errors && errors.length > 0 ? errors : undefined });
  });
}
