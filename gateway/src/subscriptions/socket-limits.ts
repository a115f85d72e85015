import type { IncomingMessage } from 'node:http';
import type { Identity } from '@waitlessq/auth';
import { GraphQLError } from 'graphql';
import { rateLimitMessage, type RateLimiters, type RateLimitVerdict } from '../edge/rate-limits';

/**
 * Close codes of the gateway's own, besides graphql-ws's (4400-4409) and 1012 (restart):
 * - 4429: over a connection budget (per address or per credential); reconnect after the
 *   `retry in N s` of the reason.
 * - 4480: slow consumer: more than SUBSCRIPTIONS_MAX_BUFFERED_BYTES waited for the client to
 *   read them. Nothing was lost: reconnect and resubscribe with `afterSequence` (the last
 *   sequence received) to get every event since.
 * A message larger than SUBSCRIPTIONS_MAX_PAYLOAD_BYTES closes the socket with 1009 (Message
 * Too Big), by the `ws` library.
 */
export const closeCodes = { overBudget: 4429, slowConsumer: 4480 } as const;

export const slowConsumerReason = 'Slow consumer: reconnect and resume with afterSequence';

/** A WebSocket close reason may hold 123 bytes. */
export function closeReason(text: string): string {
  let reason = text;
  while (Buffer.byteLength(reason) > 123) reason = reason.slice(0, -1);
  return reason;
}

/** "over budget: retry in 12 s (SUBSCRIPTIONS_CONNECTIONS_PER_ADDRESS)", short enough for a close frame. */
export function overBudgetReason(verdict: RateLimitVerdict, setting: string): string {
  return closeReason(`Too many connections: retry in ${verdict.resetSeconds} s (${setting})`);
}

/**
 * The client's address of an upgrade request, as Express computes `req.ip` with the same
 * `trust proxy` function (proxy-addr's rule): walking X-Forwarded-For from the socket's peer,
 * the first address that is not a trusted proxy.
 */
export function clientAddress(request: IncomingMessage, trust: ((address: string, hop: number) => boolean) | undefined): string {
  const peer = request.socket.remoteAddress ?? 'unknown';
  if (!trust) return peer;
  const header = request.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .reverse();
  const chain = [peer, ...forwarded];
  for (let hop = 0; hop < chain.length - 1; hop += 1) if (!trust(chain[hop], hop)) return chain[hop];
  return chain[chain.length - 1];
}

/** Whose connection budget a connection spends besides its address's; none for anonymous visit-token holders. */
export function credentialKey(identity: Identity): string | undefined {
  if (identity.kind === 'partner' || identity.kind === 'staff' || identity.kind === 'customer') return `${identity.kind}:${identity.subjectId}`;
  return undefined;
}

/** RATE_LIMITED for one subscribe: the connection stays open. */
export async function subscribeBudgetRefusal(limiters: RateLimiters, connectionId: string): Promise<GraphQLError | undefined> {
  const verdict = await limiters.consume('subscribesPerConnection', connectionId);
  if (!verdict || verdict.allowed) return undefined;
  return new GraphQLError(rateLimitMessage(verdict, 'subscribes on this connection'), {
    extensions: { code: 'RATE_LIMITED', retryAfterSeconds: verdict.resetSeconds },
  });
}
