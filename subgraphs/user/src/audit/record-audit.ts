import type { Identity } from '@waitlessq/auth';
import type { Prisma } from '@waitlessq/database';
import type { AuditEntryJob } from '@waitlessq/jobs';

/** Who did something, as an audit entry names it. */
export type AuditActorKind = 'STAFF' | 'PARTNER' | 'CUSTOMER' | 'SYSTEM';

/** One administrative change, as recorded (AuditEntry in prisma/schema/user.prisma). */
export interface AuditEntryInput {
  organizationId: string;
  actorId: string | null;
  actorKind: AuditActorKind;
  /** `target.verb`: staff.invited, api_key.created, webhook.deleted, settings.updated... */
  action: string;
  targetType: string;
  targetId?: string | null;
  /** Facts of the change; never personal data beyond ids. */
  detail?: Prisma.InputJsonValue | null;
  requestId?: string | null;
}

/** The prisma client or a transaction client: what recordAudit needs of either. */
export interface AuditWriter {
  auditEntry: Pick<Prisma.TransactionClient['auditEntry'], 'createMany'>;
}

const toRow = (entry: AuditEntryInput, sourceId: string | null = null): Prisma.AuditEntryCreateManyInput => ({
  organizationId: entry.organizationId,
  actorId: entry.actorId,
  actorKind: entry.actorKind,
  action: entry.action,
  targetType: entry.targetType,
  targetId: entry.targetId ?? null,
  detail: entry.detail ?? undefined,
  requestId: entry.requestId ?? null,
  sourceId,
});

/**
 * Writes one entry. Pass the transaction client of the change it records, so the change and
 * its entry commit (or roll back) together.
 */
export async function recordAudit(db: AuditWriter, entry: AuditEntryInput): Promise<void> {
  await db.auditEntry.createMany({ data: [toRow(entry)] });
}

/**
 * An entry relayed by a job (another subgraph's change): INSERT ... ON CONFLICT (sourceId) DO
 * NOTHING, so a job that runs twice stores it once. Returns whether this run stored it.
 */
export async function recordRelayedAudit(db: AuditWriter, job: AuditEntryJob): Promise<boolean> {
  const { sourceId, at, ...entry } = job;
  const row = { ...toRow({ ...entry, detail: (entry.detail ?? null) as Prisma.InputJsonValue | null }, sourceId), at: new Date(at) };
  const { count } = await db.auditEntry.createMany({ data: [row], skipDuplicates: true });
  return count === 1;
}

/** The actor of an identity; null for callers that are not an organization's (services, anonymous). */
export function auditActorOf(identity: Identity): { organizationId: string; actorId: string; actorKind: AuditActorKind } | null {
  switch (identity.kind) {
    case 'staff':
      return { organizationId: identity.organizationId, actorId: identity.subjectId, actorKind: 'STAFF' };
    case 'partner':
      return { organizationId: identity.organizationId, actorId: identity.subjectId, actorKind: 'PARTNER' };
    case 'customer':
      return { organizationId: identity.organizationId, actorId: identity.subjectId, actorKind: 'CUSTOMER' };
    default:
      return null;
  }
}
