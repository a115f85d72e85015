import type { RequestHandler } from 'express';
import { rateLimitHeaders, rateLimitMessage, type RateLimiters } from './rate-limits';
import { sendRefusal } from './refusal';

/**
 * Every request from an address spends its budget, before its body is read: a flood of
 * anything, valid or not, stops here. Generous by default, since many customers' phones share
 * one carrier address; the per-user and per-key budgets are the finer ones.
 */
export function useAddressRateLimit(limiters: RateLimiters): RequestHandler {
  return (req, res, next) => {
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    limiters.consume('perAddress', address).then((verdict) => {
      if (!verdict) return next();
      res.set(rateLimitHeaders(verdict));
      if (verdict.allowed) return next();
      sendRefusal(res, 'RATE_LIMITED', rateLimitMessage(verdict, 'requests from this address'), 429, rateLimitHeaders(verdict));
    }, next);
  };
}
