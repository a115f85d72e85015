import { randomUUID } from 'node:crypto';
import type { BaseContext } from '@waitlessq/subgraph-kit';

/** An administrative change of this subgraph, as the user subgraph's audit log records it. */
interface AuditedChange {
  action: string;
  targetType: string;
  targetId: string | null;
  /** Ids and the names of the fields changed, never their values. */
  detail: Record<string, unknown> | null;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Describe = (args: any, result: any) => AuditedChange;
/** Any resolver: the wrapper needs only the base context of every subgraph. */
type MutationResolver = (parent: never, args: never, ctx: never) => unknown;

const fieldsOf = (input: Record<string, unknown>): string[] =>
  Object.keys(input)
    .filter((key) => key !== 'businessId' && input[key] !== undefined)
    .sort();
const idOf = (result: unknown): string | null =>
  result && typeof result === 'object' && typeof (result as { id?: unknown }).id === 'string' ? (result as { id: string }).id : null;

/** Publishing and the app's configuration: the entries they make. */
const pwaAuditedChanges: Record<string, Describe> = {
  publishPwa: (args, result) => ({ action: 'pwa.published', targetType: 'PwaBuild', targetId: idOf(result), detail: { businessId: args.businessId } }),
  updatePwaConfig: (args) => ({
    action: 'pwa_config.updated',
    targetType: 'Business',
    targetId: args.input.businessId,
    detail: { fields: fieldsOf(args.input) },
  }),
};

/**
 * Wraps the audited mutations: once one has returned (its change committed), its entry is
 * queued as an 'audit-entry' job (stored once per sourceId by the workers). A failed add is
 * logged and never fails the mutation; callers that are no organization's staff or partner
 * (services) make no entry.
 */
export function auditedMutations<M extends Record<string, MutationResolver>>(mutations: M): M {
  const wrapped: Record<string, MutationResolver> = { ...mutations };
  for (const [name, entryOf] of Object.entries(pwaAuditedChanges)) {
    const resolve = mutations[name];
    if (!resolve) throw new Error(`No mutation ${name} to audit`);
    wrapped[name] = async (parent: never, args: never, ctx: BaseContext) => {
      const result = await resolve(parent, args, ctx as never);
      const { identity } = ctx;
      if (identity.kind !== 'staff' && identity.kind !== 'partner') return result;
      const sourceId = randomUUID();
      const change = entryOf(args, result);
      try {
        await ctx.runtime.jobs.queue.add(
          'audit-entry',
          {
            sourceId,
            organizationId: identity.organizationId,
            actorId: identity.subjectId,
            actorKind: identity.kind === 'staff' ? 'STAFF' : 'PARTNER',
            ...change,
            requestId: ctx.requestId,
            at: new Date().toISOString(),
          },
          { jobId: `audit-entry:${sourceId}` },
        );
      } catch (error) {
        ctx.logger.error({ err: error, action: change.action, targetId: change.targetId }, 'audit entry not queued');
      }
      return result;
    };
  }
  return wrapped as M;
}
