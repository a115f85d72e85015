import type { Queue } from '@waitlessq/database';
import { hasRole } from '@waitlessq/auth';
import { AppError } from '@waitlessq/errors';
import { memberOf } from '../access';
import type { QueueContext } from '../context';
import { parse, wholeNumber } from '@waitlessq/validation';

export interface EstimateAccuracy {
  meanAbsoluteErrorMinutes: number | null;
  meanAbsoluteErrorLatestMinutes: number | null;
  biasMinutes: number | null;
  samples: number;
}

export const maxAccuracySamples = 1000;

/**
 * How good the queue's estimates were, over its last `last` called visits (by call time; the
 * index on [queueId, calledAt desc] serves it), in one statement (figures rounded to 0.01 minute): the first estimate (given on
 * joining) and the latest one (kept current while the visit waited, so it is the last
 * remaining wait announced, usually near zero at the head) each against the actual wait, from
 * entering the line to the first call. Bias is the mean of estimate minus actual: positive
 * means waits were announced longer than they were. Means are null without samples that
 * carry an estimate. Staff (STAFF+) and partners of the organization; NOT_FOUND for others.
 */
export async function estimateAccuracy(context: QueueContext, queue: Queue, last: number): Promise<EstimateAccuracy> {
  const { identity } = context;
  const allowed =
    identity.kind === 'service' ||
    (identity.kind === 'partner' && memberOf(identity, queue.organizationId)) ||
    (identity.kind === 'staff' && memberOf(identity, queue.organizationId) && hasRole(identity.role, 'STAFF'));
  if (!allowed) throw new AppError('NOT_FOUND', 'No queue with this id.');
  const count = parse(wholeNumber(1, maxAccuracySamples), last, 'last');
  const [row] = await context.runtime.db.prisma.$queryRaw<EstimateAccuracy[]>`
    SELECT round(avg(abs(s."first" - s."actual")), 2)::float8 AS "meanAbsoluteErrorMinutes",
           round(avg(abs(s."latest" - s."actual")), 2)::float8 AS "meanAbsoluteErrorLatestMinutes",
           round(avg(s."first" - s."actual"), 2)::float8 AS "biasMinutes",
           count(*)::int AS "samples"
    FROM (
      SELECT "firstEstimateMinutes" AS "first", "latestEstimateMinutes" AS "latest", "waitSeconds" / 60.0 AS "actual"
      FROM "Visit"
      WHERE "queueId" = ${queue.id}::uuid AND "calledAt" IS NOT NULL AND "waitSeconds" IS NOT NULL
      ORDER BY "calledAt" DESC, "id" DESC
      LIMIT ${count}
    ) AS s`;
  return row;
}
