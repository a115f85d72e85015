import { isStaff } from '@waitlessq/auth';
import type { User } from '@waitlessq/database';
import type { UserContext } from '../context';

/** The signed-in staff account; null for anyone else (customers use `meCustomer`). */
export async function me(ctx: UserContext): Promise<User | null> {
  return isStaff(ctx.identity) ? ctx.loaders.userById.load(ctx.identity.subjectId) : null;
}

/** A staff account the caller may see (same organization, caller is staff); null otherwise. */
export async function userReference(ctx: UserContext, id: string): Promise<User | null> {
  return ctx.loaders.userById.load(id);
}

/**
 * `Business.staff`. This subgraph does not store which organization a business belongs to
 * (the business subgraph does), and the reference it receives carries only the id. Accounts
 * belong to an organization, not to a business, so the answer is the caller's organization's
 * staff when the caller is staff, and [] for everyone else, who never see staff accounts.
 * Known limit: staff looking at another organization's (public) business see their own
 * colleagues there; nothing leaks, but the list is wrong. Requiring the business's
 * `organization { id }` (@requires) would fix that at the cost of an extra fetch per query.
 */
export async function staffOfBusiness(ctx: UserContext): Promise<User[]> {
  return isStaff(ctx.identity) ? ctx.loaders.staffByOrganization.load(ctx.identity.organizationId) : [];
}
