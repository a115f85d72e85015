import { randomBytes } from 'node:crypto';

const MAX_LENGTH = 48;

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
