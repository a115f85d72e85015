import type { ApolloServerPlugin } from '@apollo/server';
import { sha256, type Identity } from '@waitlessq/auth';
import type { GatewayContext } from '../context';
import { fragmentsOf } from './operation-shape';
import { rateLimitHeaders, rateLimitMessage, type BudgetName, type RateLimiters, type RateLimitVerdict } from './rate-limits';
import { refusal } from './refusal';
import { currentEdgeRequest } from './request-scope';
import { signInAttempts } from './sign-in-attempts';

/** Whose budget a request spends besides its address's: the partner key's or the user's. */
export function callerBudget(identity: Identity): { budget: BudgetName; key: string; what: string } | undefined {
  if (identity.kind === 'partner') return { budget: 'perPartnerKey', key: identity.subjectId, what: 'requests for this API key' };
  if (identity.kind === 'staff' || identity.kind === 'customer')
    return { budget: 'perUser', key: `${identity.kind}:${identity.subjectId}`, what: 'requests for this user' };
  return undefined;
}

/**
 * The stricter budgets of sign-in attempts (by address and by email, so guessing one account's
 * password and trying one password on many accounts are both slowed); the per-caller budget
 * was spent with the address's, before the body (address-rate-limit.ts), and its verdict is in
 * the context. Every attempt counts, a right password included: success does not reset the
 * budget, so the answer never tells a guesser which attempt was right. The response carries
 * the RateLimit headers of the budget closest to its end.
 */
export function useCallerRateLimits(limiters: RateLimiters): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, schema, document, operation, request, response }) {
          const verdicts: RateLimitVerdict[] = contextValue.callerRateLimit ? [contextValue.callerRateLimit] : [];
          const spend = async (budget: BudgetName, key: string, what: string, points = 1) => {
            const verdict = await limiters.consume(budget, key, points);
            if (!verdict) return;
            if (!verdict.allowed) throw refusal('RATE_LIMITED', rateLimitMessage(verdict, what), 429, rateLimitHeaders(verdict));
            verdicts.push(verdict);
          };

          const attempts = operation ? signInAttempts(schema, operation, fragmentsOf(document), request.variables) : [];
          if (attempts.length > 0) {
            await spend('signInPerAddress', currentEdgeRequest()?.address ?? 'unknown', 'sign-in attempts from this address', attempts.length);
            const perEmail = new Map<string, number>();
            for (const { email } of attempts) if (email) perEmail.set(email, (perEmail.get(email) ?? 0) + 1);
            // Hashed: the keys of Redis are no list of our users' addresses.
            for (const [email, count] of perEmail) await spend('signInPerEmail', sha256(email), 'sign-in attempts for this email address', count);
          }

          if (attempts.length === 0) return; // the caller's headers are on the response already
          const closest = verdicts.sort((a, b) => a.remaining / a.limit - b.remaining / b.limit)[0];
          if (closest) for (const [name, value] of Object.entries(rateLimitHeaders(closest))) response.http.headers.set(name, value);
        },
      };
    },
  };
}
