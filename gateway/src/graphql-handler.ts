import type { ApolloServer, BaseContext, HTTPGraphQLRequest } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import type { Request, RequestHandler, Response } from 'express';

/**
 * Apollo Server on an Express route, as @as-integrations/express5's expressMiddleware, except
 * that a POST answer is written as the string Apollo serialized. Express's res.send copies a
 * string answer into a Buffer and hashes it for an ETag: for the federation benchmark's 86 KiB
 * answer, a second copy of every answer in memory and a SHA-1 over it, for a validator no one
 * uses (a POST answer is `no-store`, cdn-caching.ts). GET (and HEAD) keep res.send: a CDN may
 * revalidate a public GET answer with its ETag.
 */
export function graphqlHandler<Context extends BaseContext>(
  server: ApolloServer<Context>,
  options: { context: (args: { req: Request; res: Response }) => Promise<Context> },
): RequestHandler {
  server.assertStarted('graphqlHandler()');
  return async (req, res) => {
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const queryAt = req.url.indexOf('?');
    const httpGraphQLRequest: HTTPGraphQLRequest = {
      method: req.method.toUpperCase(),
      headers,
      search: queryAt >= 0 ? req.url.slice(queryAt) : '',
      body: req.body as unknown,
    };
    const answer = await server.executeHTTPGraphQLRequest({ httpGraphQLRequest, context: () => options.context({ req, res }) });
    for (const [name, value] of answer.headers) res.setHeader(name, value);
    res.statusCode = answer.status ?? 200;
    if (answer.body.kind === 'complete') {
      if (req.method === 'POST') res.end(answer.body.string);
      else res.send(answer.body.string);
      return;
    }
    // Incremental delivery (@defer): each part as it comes.
    for await (const chunk of answer.body.asyncIterator) res.write(chunk);
    res.end();
  };
}
