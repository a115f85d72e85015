import { isUniqueViolation, type Organization, type PrismaClient } from '@waitlessq/database';
import { AppError } from '@waitlessq/errors';
import { idempotencyKey, parse, slug, text, z } from '@waitlessq/validation';
import { pickFreeSlug, slugify, withRandomSuffix } from '../slug';
import type { BusinessContext } from '../context';

export interface ProvisionOrganizationInput {
  name: string;
  slug?: string | null;
  idempotencyKey?: string | null;
}

export const provisionOrganizationSchema = z.object({ name: text(120), slug: slug().nullish(), idempotencyKey: idempotencyKey() });

const SLUG_ATTEMPTS = 5;

/**
 * Creates a tenant for the user subgraph's signUp. Organization has no idempotencyKey column,
 * so the key is kept in `settings.provisioningKey` (never shown by the API) and looked up
 * there; a concurrent retry with the same key loses the race on the slug's unique index and
 * then finds the winner by its key. Keys are platform-wide: the caller must make them unique
 * per signup (e.g. hash the email with the client's key), never pass a client's raw key.
 */
export async function provisionOrganization(ctx: BusinessContext, input: ProvisionOrganizationInput): Promise<Organization> {
  const { identity } = ctx;
  const prisma = ctx.runtime.db.prisma;
  if (identity.kind !== 'service') throw new AppError('FORBIDDEN', 'Only WaitLessQ services may provision organizations.');
  const { name, slug: explicitSlug = null, idempotencyKey: key } = parse(provisionOrganizationSchema, input);

  const findRetried = async () => {
    if (!key) return null;
    const existing = await prisma.organization.findFirst({ where: { settings: { path: ['provisioningKey'], equals: key } } });
    if (existing && existing.name !== name) {
      throw new AppError('CONFLICT', 'This idempotency key was used for another organization.', { field: 'idempotencyKey' });
    }
    return existing;
  };

  const retried = await findRetried();
  if (retried) return retried;
  const base = explicitSlug ?? slugify(name, 'organization');
  for (let attempt = 0; attempt < SLUG_ATTEMPTS; attempt += 1) {
    const slug = explicitSlug ?? (attempt === 0 ? pickFreeSlug(base, await takenSlugs(prisma, base)) : withRandomSuffix(base));
    try {
      return await prisma.organization.create({ data: { name, slug, settings: key ? { provisioningKey: key } : {} } });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const winner = await findRetried();
      if (winner) return winner;
      if (explicitSlug) throw new AppError('CONFLICT', `The slug "${explicitSlug}" is taken.`, { field: 'slug' });
    }
  }
  throw new AppError('CONFLICT', 'No free slug was found for this name; send a slug.', { field: 'slug' });
}

async function takenSlugs(prisma: PrismaClient, base: string): Promise<Set<string>> {
  const rows = await prisma.organization.findMany({ where: { slug: { startsWith: base } }, select: { slug: true }, take: 500 });
  return new Set(rows.map((row) => row.slug));
}
