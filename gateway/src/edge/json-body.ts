import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { sendRefusal } from './refusal';

const jsonTypes = ['application/json', 'application/*+json'];

/**
 * The body of a GraphQL POST: JSON only, at most maxBodyBytes (refused with 413 before it is
 * read when Content-Length says so, while reading otherwise), and every failure answered as a
 * GraphQL error body rather than Express's HTML page.
 */
export function useJsonBody(options: { maxBodyBytes: number }): (RequestHandler | ErrorRequestHandler)[] {
  const requireJson: RequestHandler = (req, res, next) => {
    if (req.method !== 'POST' || req.is(jsonTypes)) return next();
    const sent = req.get('content-type') ?? 'none';
    sendRefusal(res, 'BAD_REQUEST', `A GraphQL POST must have Content-Type: application/json (this one has ${sent}).`, 415);
  };
  const explainFailure: ErrorRequestHandler = (error: { type?: string; status?: number; message?: string }, _req, res, next) => {
    if (error.type === 'entity.too.large') {
      return sendRefusal(res, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${options.maxBodyBytes} bytes, the limit (MAX_BODY_BYTES).`, 413);
    }
    if (error.type === 'entity.parse.failed') {
      return sendRefusal(res, 'BAD_REQUEST', `The request body is not valid JSON: ${error.message ?? 'it cannot be parsed'}.`, 400);
    }
    if (error.status && error.status >= 400 && error.status < 500) {
      return sendRefusal(res, 'BAD_REQUEST', `The request body cannot be read: ${error.message ?? `HTTP ${error.status}`}.`, error.status);
    }
    next(error);
  };
  return [requireJson, express.json({ limit: options.maxBodyBytes, type: jsonTypes }), explainFailure];
}
