import type { Business } from '@waitlessq/database';
import { requireAuthenticated } from '@waitlessq/auth';
import { AppError } from '@waitlessq/errors';
import { canReadPublicRow } from '../access';
import type { BusinessContext } from '../context';
import { loadReferenced } from '../loaders';
import { publicBusiness } from '../public-cache';

/** A business by id or slug, if the caller may see it (public profile or own tenant). */
export async function findBusiness(ctx: BusinessContext, args: { id?: string | null; slug?: string | null }): Promise<Business | null> {
  if ((args.id == null) === (args.slug == null)) {
    throw new AppError('BAD_USER_INPUT', 'Send exactly one of id and slug.', { field: 'id' });
  }
  const business = args.id != null ? await ctx.loaders.businessById.load(args.id) : await findBySlug(ctx, args.slug as string);
  return business && canReadPublicRow(ctx.identity, business.organizationId) ? business : null;
}

export async function findBusinessReference(ctx: BusinessContext, id: string): Promise<Business | null> {
  const business = await ctx.loaders.businessById.load(id);
  return business && canReadPublicRow(ctx.identity, business.organizationId) ? business : null;
}

/** The businesses of the caller's organization. */
export function listBusinesses(ctx: BusinessContext): Promise<Business[]> {
  const caller = requireAuthenticated(ctx.identity);
  return ctx.loaders.businessesByOrganizationId.load(caller.organizationId);
}

/**
 * The organization behind a public profile is not public: anonymous visitors are asked to
 * sign in. Anyone who can see the business otherwise is a member or one of our services.
 */
/** Whoever may read the business may read its organization's public fields (name, slug). */
export function businessOrganization(ctx: BusinessContext, business: Business) {
  return loadReferenced(ctx.loaders.organizationById, business.organizationId, 'Organization');
}

export function businessAddress(business: Business) {
  const address = {
    line1: business.addressLine1,
    line2: business.addressLine2,
    city: business.city,
    postalCode: business.postalCode,
    region: business.region,
    country: business.country,
  };
  return Object.values(address).some((part) => part !== null) ? address : null;
}

/** The PWA's way in (its address carries the slug): cached by slug, invalidated with the profile. */
async function findBySlug(ctx: BusinessContext, slug: string): Promise<Business | null> {
  const key = slug.trim().toLowerCase();
  const business = await ctx.caches.profileBySlug.get(key, async () => {
    const row = await ctx.caches.fillFrom.business.findUnique({ where: { slug: key } });
    return row ? publicBusiness(row) : undefined;
  });
  if (business) ctx.loaders.businessById.prime(business.id, business);
  return business ?? null;
}
