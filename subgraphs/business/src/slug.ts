import { randomBytes } from 'node:crypto';
import { badInput } from './validation';

const MAX_LENGTH = 48;
const slugPattern = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** "Café Zürich — Mitte" -> "cafe-zurich-mitte": lowercase ASCII words joined by hyphens. */
export function slugify(name: string, fallback: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/ß/g, 'ss')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_LENGTH)
    .replace(/-+$/, '');
  return slug || fallback;
}

/**
 * A slug a client chose. PWA addresses accept a business's slug or its id in the same place,
 * so a slug shaped like a UUID is refused.
 */
export function validateSlug(field: string, value: string): string {
  const slug = value.trim().toLowerCase();
  if (slug.length < 2 || slug.length > 63 || !slugPattern.test(slug) || slug.includes('--')) {
    throw badInput(field, 'must be 2 to 63 characters: lowercase letters, digits and single hyphens, not at either end');
  }
  if (uuidShape.test(slug)) throw badInput(field, 'must not look like an id');
  return slug;
}

/**
 * The first free slug for `base` given the slugs already taken that start with it: `base`,
 * then `base-2` ... `base-99`, then a short random suffix (a race with another writer is
 * caught by the unique index, and the caller tries again).
 */
export function pickFreeSlug(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; n < 100; n += 1) {
    const candidate = `${base}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
  return withRandomSuffix(base);
}

export function withRandomSuffix(base: string): string {
  return `${base}-${randomBytes(3).toString('hex')}`;
}
