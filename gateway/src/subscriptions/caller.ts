import type { Identity, IdentitySigner } from '@waitlessq/auth';

/** Who a subscription runs as: the identity, a key grouping equal identities, and its signed header. */
export interface Caller {
  identity: Identity;
  key: string;
  signedIdentity(): Promise<string>;
}

/** Signed headers live a minute (packages/auth); reused for half of it. */
const reuseMs = 30_000;
const maxCached = 10_000;

/**
 * Callers of this gateway's subscriptions. Each event is run for every subscriber, and each
 * subgraph fetch carries the subscriber's identity signed for the subgraphs: signed once per
 * identity and reused, instead of once per subscriber per event.
 */
export function createCallers(signer: IdentitySigner): (identity: Identity) => Caller {
  const signed = new Map<string, { header: Promise<string>; at: number }>();
  return (identity) => {
    const key = identityKey(identity);
    return {
      identity,
      key,
      signedIdentity() {
        const now = Date.now();
        const cached = signed.get(key);
        if (cached && now - cached.at < reuseMs) return cached.header;
        if (signed.size >= maxCached) signed.clear();
        const header = signer.sign(identity);
        signed.set(key, { header, at: now });
        header.catch(() => signed.delete(key));
        return header;
      },
    };
  };
}

/** Equal for identities with equal rights (a field of one kind missing is empty). */
export function identityKey(identity: Identity): string {
  const fields = identity as Partial<Record<'subjectId' | 'organizationId' | 'role' | 'platformAdmin', unknown>>;
  return [identity.kind, fields.subjectId, fields.organizationId, fields.role, fields.platformAdmin].map((value) => String(value ?? '')).join('|');
}
