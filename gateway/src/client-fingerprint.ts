import { createHash } from 'node:crypto';
import type { Identity } from '@waitlessq/auth';

/**
 * What subgraphs may tell one anonymous caller from another by (the scope of its idempotency
 * keys): its address, as the trusted proxies report it, and its user agent, hashed so that
 * neither travels to the subgraphs. Signed identities are left as they are.
 */
export function withClientFingerprint(identity: Identity, address: string | undefined, userAgent: string | undefined): Identity {
  if (identity.kind !== 'anonymous') return identity;
  const clientFingerprint = createHash('sha256')
    .update(`${address ?? ''}\n${userAgent ?? ''}`)
    .digest('hex')
    .slice(0, 32);
  return { kind: 'anonymous', clientFingerprint };
}
