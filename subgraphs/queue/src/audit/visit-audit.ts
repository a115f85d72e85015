import { hasRole, type Identity } from '@waitlessq/auth';
import { AppError } from '@waitlessq/errors';
import type { QueueContext } from '../context';
import { isUuid } from '@waitlessq/validation';

export interface AuditVisitEventsArgs {
  from: Date;
  to: Date;
  actorId?: string | null;
  action?: string | null;
  first?: number | null;
}

/** A visit event as an audit entry (the user subgraph's AuditEntry, which merges these with its own). */
export interface VisitAuditEntry {
  id: string;
  actorId: string | null;
  actorKind: string;
  action: string;
  targetType: 'Visit';
  targetId: string;
  detail: Record<string, unknown>;
  requestId: string | null;
  at: string;
}

const maxFirst = 500;

/**
 * OWNER and ADMIN of the caller's own organization (the user subgraph asks as the caller): the
 * visit history events staff and partners made in [from, to), newest first, as audit entries.
 * Events of a visit token's holder, of customers and of the system's sweeps are not staff
 * actions and are left out. `action` is the audit action: visit.called, visit.no_show,
 * visit.recalled, visit.transferred, visit.cancelled... The detail holds the statuses, the
 * queue and the event's own facts (counters, queues, times), no personal data.
 */
export async function auditVisitEvents(context: QueueContext, args: AuditVisitEventsArgs): Promise<VisitAuditEntry[]> {
  const organizationId = adminOrganization(context.identity);
  const first = Math.min(Math.max(args.first ?? 100, 1), maxFirst);
  const actorId = args.actorId ?? null;
  // Not an id: nobody's events (the user subgraph has refused it already).
  if (actorId !== null && !isUuid(actorId)) return [];
  const action = args.action ?? null;
  if (action !== null && !action.startsWith('visit.')) return [];

  const rows = await context.runtime.db.prisma.$queryRaw<(Omit<VisitAuditEntry, 'at' | 'targetType'> & { at: Date })[]>`
    SELECT * FROM (
      SELECT e."id", e."actorId", upper(e."actorKind") AS "actorKind",
             CASE WHEN e."action" IS NOT NULL THEN 'visit.' || lower(e."action")
                  WHEN e."fromStatus" IS NULL THEN 'visit.created'
                  ELSE 'visit.' || lower(e."toStatus"::text) END AS "action",
             e."visitId" AS "targetId",
             jsonb_build_object('fromStatus', e."fromStatus", 'toStatus', e."toStatus", 'queueId', e."queueId") || COALESCE(e."detail", '{}'::jsonb) AS "detail",
             e."requestId", e."at"
      FROM "VisitEvent" e
      WHERE e."organizationId" = ${organizationId}::uuid
        AND e."at" >= ${args.from}::timestamp(3) AND e."at" < ${args.to}::timestamp(3)
        AND e."actorKind" IN ('staff', 'partner')
        AND (${actorId}::uuid IS NULL OR e."actorId" = ${actorId}::uuid)
    ) entries
    WHERE ${action}::text IS NULL OR entries."action" = ${action}::text
    ORDER BY entries."at" DESC, entries."id" DESC
    LIMIT ${first}`;
  return rows.map((row) => ({ ...row, targetType: 'Visit', at: row.at.toISOString() }));
}

function adminOrganization(identity: Identity): string {
  if (identity.kind !== 'staff') throw new AppError('FORBIDDEN', 'Only OWNER and ADMIN staff read the audit log.');
  if (!hasRole(identity.role, 'ADMIN')) throw new AppError('FORBIDDEN', `This needs the ADMIN role or higher; you are ${identity.role}.`);
  return identity.organizationId;
}
