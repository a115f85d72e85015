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

/** Documents already counted within the limit: clients send the same few again and again. */
const rememberedDocuments = 256;
/** Longer documents are counted each time, so the memory stays small (256 x 8 KiB at most). */
const rememberedLength = 8 * 1024;

/**
 * Refuses a document longer than maxTokens before it is parsed: parsing and validating cost
 * grows with it (10,000 aliases of one field are 30,000 tokens). Documents that arrive by hash
 * were counted when they were registered; a document seen within the limit is not lexed again.
 */
export function useTokenLimit(options: { maxTokens: number }): RequestHandler {
  const withinLimit = new Set<string>();
  return (req, res, next) => {
    const { query } = readGraphQLParams(req);
    if (typeof query !== 'string' || withinLimit.has(query)) return next();
    const refused = tokenLimitMessage(query, options.maxTokens);
    if (refused) return sendRefusal(res, 'TOO_MANY_TOKENS', refused, 400);
    if (query.length <= rememberedLength) {
      // Forgets everything when full: a flood of distinct documents only costs the lexing it costs today.
      if (withinLimit.size >= rememberedDocuments) withinLimit.clear();
      withinLimit.add(query);
    }
    next();
  };
}
