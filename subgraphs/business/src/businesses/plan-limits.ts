import type { Plan } from '@waitlessq/database';

/** Most businesses an organization may have on each plan; null means no limit (docs/DOMAIN.md: plans limit businesses). */
export const businessLimits: Readonly<Record<Plan, number | null>> = Object.freeze({
  BASIC: 3,
  PRO: 25,
  ENTERPRISE: null,
});

export function businessLimitMessage(plan: Plan): string | null {
  const limit = businessLimits[plan];
  return limit === null ? null : `The ${plan} plan allows at most ${limit} businesses; upgrade the plan to add more.`;
}
