import { requireRole } from '@waitlessq/auth';
import type { AuditEntry } from '@waitlessq/database';
import { AppError } from '@waitlessq/errors';
import type { UserContext } from '../context';
import { isUuid } from '@waitlessq/validation';

export interface AuditLogArgs {
  from: Date;
  to: Date;
  actorId?: string | null;
  action?: string | null;
  first?: number | null;
}

/** An entry as the API shows it: the user subgraph's own rows and the queue's visit history alike. */
export interface AuditLogEntry {
  id: string;
  actorId: string | null;
  actorKind: string;
  action: string;
  targetType: string;
  targetId: string | null;
  detail: unknown;
  requestId: string | null;
  at: Date;
}

const maxFirst = 500;
const maxRangeMs = 366 * 24 * 3600 * 1000;
const maxActionLength = 100;

const badInput = (field: string, message: string) => new AppError('BAD_USER_INPUT', message, { field });

/** The queue subgraph's staff and partner actions on visits, as audit entries (its @inaccessible field). */
const visitEventsQuery = `query AuditVisitEvents($from: DateTime!, $to: DateTime!, $actorId: ID, $action: String, $first: Int) {
  auditVisitEvents(from: $from, to: $to, actorId: $actorId, action: $action, first: $first)
}`;

interface RelayedEntry extends Omit<AuditLogEntry, 'at'> {
  at: string;
}

/**
 * OWNER and ADMIN: what was done in their organization between `from` (inclusive) and `to`
 * (exclusive), newest first: administrative changes recorded here, and staff actions on visits
 * from the queue subgraph's visit history (asked as the caller, so the queue applies its own
 * rules). Nothing changes entries.
 */
export async function auditLog(ctx: UserContext, args: AuditLogArgs): Promise<AuditLogEntry[]> {
  const { organizationId } = requireRole(ctx.identity, 'ADMIN');
  const { from, to } = args;
  if (from.getTime() >= to.getTime()) throw badInput('from', 'from must be before to.');
  if (to.getTime() - from.getTime() > maxRangeMs) throw badInput('to', 'The range from from to to must be at most 366 days.');
  const first = args.first ?? 100;
  if (!Number.isInteger(first) || first < 1 || first > maxFirst) throw badInput('first', `first must be 1 to ${maxFirst}.`);
  const actorId = args.actorId ?? null;
  // Ids are uuids; another tenant's id simply matches nothing.
  if (actorId !== null && !isUuid(actorId)) throw badInput('actorId', 'actorId must be a user, API key or customer id.');
  const action = args.action ?? null;
  if (action !== null && (action.length === 0 || action.length > maxActionLength)) {
    throw badInput('action', `action must be 1 to ${maxActionLength} characters, e.g. api_key.created.`);
  }

  const [own, visits] = await Promise.all([
    ctx.runtime.db.prisma.auditEntry.findMany({
      where: { organizationId, at: { gte: from, lt: to }, ...(actorId && { actorId }), ...(action && { action }) },
      orderBy: [{ at: 'desc' }, { id: 'desc' }],
      take: first,
    }),
    ctx.services.peers.request<{ auditVisitEvents: RelayedEntry[] }>(
      'queue',
      visitEventsQuery,
      { from: from.toISOString(), to: to.toISOString(), actorId, action, first },
      ctx.requestId,
      ctx.identity,
    ),
  ]);
  return [...own.map(shown), ...visits.auditVisitEvents.map((entry) => ({ ...entry, at: new Date(entry.at) }))]
    .sort((a, b) => b.at.getTime() - a.at.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .slice(0, first);
}

const shown = (row: AuditEntry): AuditLogEntry => ({
  id: row.id,
  actorId: row.actorId,
  actorKind: row.actorKind,
  action: row.action,
  targetType: row.targetType,
  targetId: row.targetId,
  detail: row.detail,
  requestId: row.requestId,
  at: row.at,
});
