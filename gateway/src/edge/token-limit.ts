import type { RequestHandler } from 'express';
import { Lexer, Source, TokenKind } from 'graphql';
import { readGraphQLParams } from './request-params';
import { sendRefusal } from './refusal';

/**
 * Counts the lexical tokens of a document, stopping one past the limit so that the work stays
 * bounded however long the document is. A document that does not lex counts what it has; the
 * parser reports the syntax error afterwards.
 */
export function countTokens(query: string, stopAfter: number): number {
  const lexer = new Lexer(new Source(query));
  let count = 0;
  try {
    while (count <= stopAfter && lexer.advance().kind !== TokenKind.EOF) count += 1;
  } catch {
    return count;
  }
  return count;
}

/** Why a document is too long to parse (TOO_MANY_TOKENS), or undefined; 0 turns the limit off. */
export function tokenLimitMessage(query: string, maxTokens: number): string | undefined {
  if (maxTokens <= 0 || countTokens(query, maxTokens) <= maxTokens) return undefined;
  return `The document has more than ${maxTokens} tokens, the limit (MAX_TOKENS).`;
}

/**
 * Refuses a document longer than maxTokens before it is parsed: parsing and validating cost
 * grows with it (10,000 aliases of one field are 30,000 tokens). Documents that arrive by hash
 * were counted when they were registered.
 */
export function useTokenLimit(options: { maxTokens: number }): RequestHandler {
  return (req, res, next) => {
    const { query } = readGraphQLParams(req);
    const refused = typeof query === 'string' ? tokenLimitMessage(query, options.maxTokens) : undefined;
    if (refused) return sendRefusal(res, 'TOO_MANY_TOKENS', refused, 400);
    next();
  };
}
