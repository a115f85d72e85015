import type { Request, RequestHandler, Response } from 'express';
import type { Identity } from '@waitlessq/auth';
import { callerBudget } from './caller-rate-limits';
import { rateLimitHeaders, rateLimitMessage, type RateLimiters } from './rate-limits';
import { sendRefusal } from './refusal';

/** Who sends the request, from its headers alone; undefined when its credentials are refused (the context reports that). */
export type IdentifyCaller = (req: Request, res: Response) => Promise<Identity | undefined>;

/**
 * Every request from an address spends its budget, before its body is read: a flood of
 * anything, valid or not, stops here. Generous by default, since many customers' phones share
 * one carrier address; the per-user and per-key budgets are the finer ones.
 *
 * The caller's budget (user or partner key) is spent here too, from the credentials in the
 * headers, in the same round trip to Redis as the address's (both commands in flight at
 * once), so a request waits for Redis once. Its verdict goes to res.locals.callerRateLimit for
 * the sign-in budgets, which need the operation and are spent after parsing.
 */
export function useAddressRateLimit(limiters: RateLimiters, identify?: IdentifyCaller): RequestHandler {
  return (req, res, next) => {
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    spend(limiters, address, req, res, identify).then((proceed) => proceed && next(), next);
  };
}

async function spend(limiters: RateLimiters, address: string, req: Request, res: Response, identify?: IdentifyCaller): Promise<boolean> {
  const identity = identify ? await identify(req, res) : undefined;
  const caller = identity ? callerBudget(identity) : undefined;
  const [byAddress, byCaller] = await Promise.all([limiters.consume('perAddress', address), caller ? limiters.consume(caller.budget, caller.key) : undefined]);
  if (byAddress) {
    res.set(rateLimitHeaders(byAddress));
    if (!byAddress.allowed) {
      sendRefusal(res, 'RATE_LIMITED', rateLimitMessage(byAddress, 'requests from this address'), 429, rateLimitHeaders(byAddress));
      return false;
    }
  }
  if (byCaller && caller) {
    // The caller's budget is the one a client watches: its headers replace the address's.
    res.set(rateLimitHeaders(byCaller));
    res.locals.callerRateLimit = byCaller;
    if (!byCaller.allowed) {
      sendRefusal(res, 'RATE_LIMITED', rateLimitMessage(byCaller, caller.what), 429, rateLimitHeaders(byCaller));
      return false;
    }
  }
  return true;
}
