import type { Response } from 'express';
import { GraphQLError } from 'graphql';
import { HeaderMap } from '@apollo/server';
import type { ErrorCode } from '@waitlessq/errors';

/** Our catalogue, and the codes of Apollo's own for malformed requests (the formatter passes both). */
export type RefusalCode = ErrorCode | 'BAD_REQUEST' | 'OPERATION_RESOLUTION_FAILURE';

/**
 * A request the edge refuses inside Apollo's pipeline: the code and a message naming the limit,
 * with the HTTP status and headers Apollo puts on the response.
 */
export function refusal(code: RefusalCode, message: string, status: number, headers: Record<string, string> = {}): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code, http: { status, headers: new HeaderMap(Object.entries(headers)) } },
  });
}

/** The same refusal before Apollo (body, content type, rate limit): a GraphQL error body. */
export function sendRefusal(res: Response, code: RefusalCode, message: string, status: number, headers: Record<string, string> = {}): void {
  res
    .status(status)
    .set(headers)
    .type('application/json')
    .send(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
}
