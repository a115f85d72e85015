import { randomUUID } from 'node:crypto';
import type { Identity } from '@waitlessq/auth';
import type { BaseContext } from '@waitlessq/subgraph-kit';

/** An administrative change of this subgraph, as the user subgraph's audit log records it. */
export interface AuditedChange {
  /** `target.verb`: settings.updated, service.created, booking_policy.set... */
  action: string;
  targetType: string;
  targetId: string | null;
  /** Ids and the names of the fields changed, never their values (they may be personal). */
  detail?: Record<string, unknown> | null;
}

const actorKinds = { staff: 'STAFF', partner: 'PARTNER', customer: 'CUSTOMER' } as const;

function actorOf(identity: Identity) {
  if (identity.kind !== 'staff' && identity.kind !== 'partner' && identity.kind !== 'customer') return null;
  return { organizationId: identity.organizationId, actorId: identity.subjectId, actorKind: actorKinds[identity.kind] };
}

/**
 * After the change has committed: queues its audit entry (the 'audit-entry' job, stored once
 * per sourceId by the workers). A failed add is logged and never fails the mutation; changes
 * by no organization's member (services, platform sign-up) have no entry.
 */
export async function auditChange(ctx: Pick<BaseContext, 'identity' | 'requestId' | 'runtime' | 'logger'>, change: AuditedChange): Promise<void> {
  const actor = actorOf(ctx.identity);
  if (!actor) return;
  const sourceId = randomUUID();
  try {
    await ctx.runtime.jobs.queue.add(
      'audit-entry',
      { sourceId, ...actor, ...change, detail: change.detail ?? null, requestId: ctx.requestId, at: new Date().toISOString() },
      { jobId: `audit-entry:${sourceId}` },
    );
  } catch (error) {
    ctx.logger.error({ err: error, action: change.action, targetId: change.targetId }, 'audit entry not queued');
  }
}

/** Any resolver: the wrapper needs only the base context of every subgraph. */
type MutationResolver = (parent: never, args: never, ctx: never) => unknown;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Describe = (args: any, result: any) => AuditedChange;

/** The names of the fields an input sets (besides its ids): what an entry says changed. */
export const fieldsOf = (input: Record<string, unknown> | null | undefined): string[] =>
  Object.keys(input ?? {})
    .filter((key) => key !== 'id' && key !== 'businessId' && key !== 'idempotencyKey' && (input ?? {})[key] !== undefined)
    .sort();

/** Wraps mutation resolvers: once one has returned (its change committed), its entry is queued. */
export function auditedMutations<M extends Record<string, MutationResolver>>(mutations: M, describe: Partial<Record<keyof M, Describe>>): M {
  const wrapped: Record<string, MutationResolver> = { ...mutations };
  for (const [name, entryOf] of Object.entries(describe) as [string, Describe][]) {
    const resolve = mutations[name];
    if (!resolve) throw new Error(`No mutation ${name} to audit`);
    wrapped[name] = async (parent: never, args: never, ctx: BaseContext) => {
      const result = await resolve(parent, args, ctx as never);
      await auditChange(ctx, entryOf(args, result));
      return result;
    };
  }
  return wrapped as M;
}

const idOf = (result: unknown): string | null =>
  result && typeof result === 'object' && typeof (result as { id?: unknown }).id === 'string' ? (result as { id: string }).id : null;

/** This subgraph's administrative mutations and the entry each makes (provisionOrganization is the platform's, at sign-up). */
export const businessAuditedChanges: Record<string, Describe> = {
  updateOrganizationSettings: (args, result) => ({
    action: 'settings.updated',
    targetType: 'Organization',
    targetId: idOf(result),
    detail: { fields: fieldsOf(args.input) },
  }),
  createBusiness: (args, result) => ({ action: 'business.created', targetType: 'Business', targetId: idOf(result), detail: { fields: fieldsOf(args.input) } }),
  updateBusiness: (args) => ({ action: 'business.updated', targetType: 'Business', targetId: args.input.id, detail: { fields: fieldsOf(args.input) } }),
  createService: (args, result) => ({
    action: 'service.created',
    targetType: 'Service',
    targetId: idOf(result),
    detail: { businessId: args.input.businessId, fields: fieldsOf(args.input) },
  }),
  updateService: (args) => ({ action: 'service.updated', targetType: 'Service', targetId: args.input.id, detail: { fields: fieldsOf(args.input) } }),
  setOpeningHours: (args) => ({ action: 'opening_hours.set', targetType: 'Business', targetId: args.businessId, detail: { intervals: args.intervals.length } }),
  setBookingPolicy: (args) => ({
    action: 'booking_policy.set',
    targetType: 'Business',
    targetId: args.input.businessId,
    detail: { fields: fieldsOf(args.input) },
  }),
  setAvailability: (args) => ({
    action: 'availability.set',
    targetType: 'Business',
    targetId: args.input.businessId,
    detail: { serviceId: args.input.serviceId ?? null, fields: fieldsOf(args.input) },
  }),
  addAvailabilityException: (args, result) => ({
    action: 'availability_exception.added',
    targetType: 'AvailabilityException',
    targetId: idOf(result),
    detail: { businessId: args.input.businessId },
  }),
  removeAvailabilityException: (args) => ({ action: 'availability_exception.removed', targetType: 'AvailabilityException', targetId: args.id }),
};
