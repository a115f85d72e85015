import type { Prisma } from '@waitlessq/database';
import type { UserContext } from '../context';
import { auditActorOf, type AuditEntryInput } from './record-audit';

export interface AuditedChange {
  action: string;
  targetType: string;
  targetId?: string | null;
  detail?: Prisma.InputJsonValue | null;
}

/** The entry of a change made by this request's caller in their organization (or `organizationId`'s). */
export function changeEntry(ctx: Pick<UserContext, 'identity' | 'requestId'>, change: AuditedChange, organizationId?: string): AuditEntryInput {
  const actor = auditActorOf(ctx.identity);
  const organization = organizationId ?? actor?.organizationId;
  if (!organization) throw new Error(`An audited change (${change.action}) needs an organization`);
  return {
    organizationId: organization,
    actorId: actor?.actorId ?? null,
    actorKind: actor?.actorKind ?? 'SYSTEM',
    requestId: ctx.requestId,
    ...change,
  };
}
