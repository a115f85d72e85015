import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { EdgeConfig, RateLimitBudget, SubscriptionConfig } from '@waitlessq/config';
import type { Logger } from '@waitlessq/observability';
import type { RedisResources } from '@waitlessq/redis';

/** The HTTP budgets (edge) and the WebSocket ones (subscriptions), one set of counters. */
export type BudgetName = keyof EdgeConfig['rateLimits'] | keyof SubscriptionConfig['rateLimits'];
export type RateLimitBudgets = Partial<Record<BudgetName, RateLimitBudget>>;

/** What the configuration calls each budget, for the messages that name the limit. */
const settingOf: Record<BudgetName, string> = {
  perAddress: 'RATE_LIMIT_PER_ADDRESS',
  perUser: 'RATE_LIMIT_PER_USER',
  perPartnerKey: 'RATE_LIMIT_PER_PARTNER_KEY',
  signInPerAddress: 'SIGN_IN_RATE_LIMIT_PER_ADDRESS',
  signInPerEmail: 'SIGN_IN_RATE_LIMIT_PER_EMAIL',
  connectionsPerAddress: 'SUBSCRIPTIONS_CONNECTIONS_PER_ADDRESS',
  connectionsPerCredential: 'SUBSCRIPTIONS_CONNECTIONS_PER_CREDENTIAL',
  subscribesPerConnection: 'SUBSCRIPTIONS_SUBSCRIBES_PER_CONNECTION',
};

export interface RateLimitVerdict {
  budget: BudgetName;
  allowed: boolean;
  limit: number;
  remaining: number;
  windowSeconds: number;
  /** Until the window of this key starts over. */
  resetSeconds: number;
}

export interface RateLimiters {
  /** Spends points of a budget for a key; undefined when the budget is off (0). */
  consume(budget: BudgetName, key: string, points?: number): Promise<RateLimitVerdict | undefined>;
}

/**
 * Fixed-window counters in Redis (rate-limiter-flexible; one atomic script per request), so a
 * budget holds across every gateway replica; in memory in the embedded start. When Redis fails,
 * each replica falls back to its own in-memory counters rather than refusing everything.
 */
export function createRateLimiters(budgets: RateLimitBudgets, redis: RedisResources, logger: Logger): RateLimiters {
  const limiters = new Map<BudgetName, { limiter: RateLimiterAbstract; budget: RateLimitBudget }>();
  for (const [name, budget] of Object.entries(budgets) as [BudgetName, RateLimitBudget][]) {
    if (budget.points > 0) limiters.set(name, { limiter: createLimiter(name, budget, redis), budget });
  }
  return {
    async consume(budget, key, points = 1) {
      const entry = limiters.get(budget);
      if (!entry) return undefined;
      const { limiter } = entry;
      const { points: limit, windowSeconds } = entry.budget;
      try {
        const result = await limiter.consume(key, points);
        return verdict(budget, true, result, limit, windowSeconds);
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return verdict(budget, false, rejection, limit, windowSeconds);
        logger.error({ err: rejection, budget }, 'rate limiter failed; request allowed');
        return undefined;
      }
    },
  };
}

function createLimiter(name: BudgetName, budget: RateLimitBudget, redis: RedisResources): RateLimiterAbstract {
  const options = { keyPrefix: `gateway:rate:${name}`, points: budget.points, duration: budget.windowSeconds };
  if (!redis.client) return new RateLimiterMemory(options);
  return new RateLimiterRedis({ ...options, storeClient: redis.client, insuranceLimiter: new RateLimiterMemory(options) });
}

function verdict(budget: BudgetName, allowed: boolean, result: RateLimiterRes, limit: number, windowSeconds: number): RateLimitVerdict {
  return {
    budget,
    allowed,
    limit,
    windowSeconds,
    remaining: Math.max(0, result.remainingPoints),
    resetSeconds: Math.max(1, Math.ceil(result.msBeforeNext / 1000)),
  };
}

/** The IETF RateLimit header fields, and Retry-After on a refusal. */
export function rateLimitHeaders(verdict: RateLimitVerdict): Record<string, string> {
  const headers: Record<string, string> = {
    'ratelimit-limit': String(verdict.limit),
    'ratelimit-remaining': String(verdict.remaining),
    'ratelimit-reset': String(verdict.resetSeconds),
  };
  if (!verdict.allowed) headers['retry-after'] = String(verdict.resetSeconds);
  return headers;
}

/** "Too many requests for this user: the limit is 600 per 60 s (RATE_LIMIT_PER_USER); retry in 12 s." */
export function rateLimitMessage(verdict: RateLimitVerdict, what: string): string {
  return `Too many ${what}: the limit is ${verdict.limit} per ${verdict.windowSeconds} s (${settingOf[verdict.budget]}); retry in ${verdict.resetSeconds} s.`;
}
