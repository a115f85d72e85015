import { randomToken, sha256 } from '@waitlessq/auth';
import { AppError, isAppError } from '@waitlessq/errors';
import type { UserContext } from '../context';

export interface ProvisionedOrganization {
  id: string;
  slug: string;
}

const provisionMutation = /* GraphQL */ `
  mutation ProvisionOrganization($name: String!, $slug: String, $idempotencyKey: String!) {
    provisionOrganization(input: { name: $name, slug: $slug, idempotencyKey: $idempotencyKey }) {
      id
      slug
    }
  }
`;

interface Request {
  organizationName: string;
  /** As the client chose it; without one the business subgraph derives a free one from the name. */
  organizationSlug: string | null;
  email: string;
  idempotencyKey: string | null;
}

/** Asks the business subgraph, the owner of organizations, to create the tenant. */
export async function provisionOrganization(ctx: UserContext, request: Request): Promise<ProvisionedOrganization> {
  try {
    const data = await ctx.services.peers.request<{ provisionOrganization: ProvisionedOrganization }>(
      'business',
      provisionMutation,
      { name: request.organizationName, slug: request.organizationSlug, idempotencyKey: peerIdempotencyKey(request) },
      ctx.requestId,
    );
    return data.provisionOrganization;
  } catch (error) {
    // The peer names its own field (`slug`); the client sent `organizationSlug`.
    if (isAppError(error) && error.code === 'CONFLICT' && request.organizationSlug) {
      throw new AppError('CONFLICT', `organizationSlug "${request.organizationSlug}" is taken; choose another.`, { field: 'organizationSlug' });
    }
    throw error;
  }
}

/**
 * Organization keys are platform-wide, so the client's key is namespaced by the email: a bare
 * key would let someone who guesses another person's key be handed that person's
 * organization (and become its owner). Without a client key every attempt is a new one.
 */
function peerIdempotencyKey(request: Request): string {
  return request.idempotencyKey ? `signup:${sha256(`${request.email}\n${request.idempotencyKey}`)}` : `signup:${randomToken()}`;
}
