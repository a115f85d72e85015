import { AppError } from '@waitlessq/errors';
import { createPeerClient, type ServiceRuntime } from '@waitlessq/subgraph-kit';

/** What the pwa subgraph needs to know of a business; the business subgraph owns it. */
export interface BusinessSummary {
  id: string;
  name: string;
  slug: string;
  organization: { id: string };
}

export interface BusinessDirectory {
  byId(id: string, requestId?: string): Promise<BusinessSummary | null>;
  bySlug(slug: string, requestId?: string): Promise<BusinessSummary | null>;
  /** The caller's business; another organization's (or none) is NOT_FOUND. */
  requireOwn(id: string, organizationId: string, requestId?: string): Promise<BusinessSummary>;
}

const fields = 'id name slug organization { id }';
const byIdQuery = `query PwaBusinessById($id: ID!) { business(id: $id) { ${fields} } }`;
const bySlugQuery = `query PwaBusinessBySlug($slug: String!) { business(slug: $slug) { ${fields} } }`;

/** Asks the business subgraph as a service identity (which sees every business). Caches nothing yet. */
export function createBusinessDirectory(runtime: ServiceRuntime): BusinessDirectory {
  const peers = createPeerClient(runtime);
  const byId = async (id: string, requestId?: string) =>
    (await peers.request<{ business: BusinessSummary | null }>('business', byIdQuery, { id }, requestId)).business;
  return {
    byId,
    bySlug: async (slug, requestId) => (await peers.request<{ business: BusinessSummary | null }>('business', bySlugQuery, { slug }, requestId)).business,
    async requireOwn(id, organizationId, requestId) {
      const business = await byId(id, requestId);
      if (!business || business.organization.id !== organizationId) throw new AppError('NOT_FOUND', 'No such business.');
      return business;
    },
  };
}
