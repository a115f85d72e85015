import type { Identity } from '@waitlessq/auth';
import { AppError } from '@waitlessq/errors';
import { createPeerClient, type ServiceRuntime } from '@waitlessq/subgraph-kit';

export interface PeerBusiness {
  id: string;
  timezone: string;
  organizationId: string;
}

export interface PeerService {
  id: string;
  durationMinutes: number | null;
  businessId: string;
}

/** A business with what bookings are judged by (the JSON of Business.bookingSchedule). */
export interface PeerBusinessSchedule extends PeerBusiness {
  schedule: unknown;
}

/** The facts the queue subgraph needs from the business subgraph, which owns them. */
export interface BusinessPeer {
  findBusiness(id: string, requestId?: string): Promise<PeerBusiness | null>;
  findService(id: string, requestId?: string): Promise<PeerService | null>;
  /** The business and its booking rules in one call: a booking, a check of a slot, a standby offer. */
  findBusinessSchedule(id: string, requestId?: string): Promise<PeerBusinessSchedule | null>;
}

const businessQuery = 'query($id: ID!) { business(id: $id) { id timezone organization { id } } }';
const serviceQuery = 'query($id: ID!) { service(id: $id) { id durationMinutes business { id } } }';
const scheduleQuery = 'query($id: ID!) { business(id: $id) { id timezone organization { id } bookingSchedule } }';

/** The peer answers as a service identity, which may read any business; a missing one is null. */
export function createBusinessPeer(runtime: ServiceRuntime): BusinessPeer {
  const client = createPeerClient(runtime);
  const orNull = async <T>(request: Promise<T>): Promise<T | null> => {
    try {
      return await request;
    } catch (error) {
      if (error instanceof AppError && error.code === 'NOT_FOUND') return null;
      throw error;
    }
  };
  return {
    async findBusiness(id, requestId) {
      type Answer = { business: { id: string; timezone: string; organization: { id: string } } | null };
      const answer = await orNull(client.request<Answer>('business', businessQuery, { id }, requestId));
      const business = answer?.business;
      return business ? { id: business.id, timezone: business.timezone, organizationId: business.organization.id } : null;
    },
    async findService(id, requestId) {
      type Answer = { service: { id: string; durationMinutes: number | null; business: { id: string } } | null };
      const answer = await orNull(client.request<Answer>('business', serviceQuery, { id }, requestId));
      const service = answer?.service;
      return service ? { id: service.id, durationMinutes: service.durationMinutes, businessId: service.business.id } : null;
    },
    async findBusinessSchedule(id, requestId) {
      type Answer = { business: { id: string; timezone: string; organization: { id: string }; bookingSchedule: unknown } | null };
      const answer = await orNull(client.request<Answer>('business', scheduleQuery, { id }, requestId));
      const business = answer?.business;
      return business ? { id: business.id, timezone: business.timezone, organizationId: business.organization.id, schedule: business.bookingSchedule } : null;
    },
  };
}

/** Whether a customer account is one the caller may see (the user subgraph owns customers). */
export interface CustomerPeer {
  isVisibleTo(identity: Identity, customerId: string, requestId?: string): Promise<boolean>;
}

const customerQuery = 'query($id: ID!) { customer(id: $id) { id } }';

/** Asked as the caller, so the user subgraph's own tenancy rule decides (another tenant's is NOT_FOUND). */
export function createCustomerPeer(runtime: ServiceRuntime): CustomerPeer {
  const client = createPeerClient(runtime);
  return {
    async isVisibleTo(identity, customerId, requestId) {
      try {
        const answer = await client.request<{ customer: { id: string } | null }>('user', customerQuery, { id: customerId }, requestId, identity);
        return answer.customer?.id === customerId;
      } catch (error) {
        if (error instanceof AppError && (error.code === 'NOT_FOUND' || error.code === 'FORBIDDEN')) return false;
        throw error;
      }
    },
  };
}
