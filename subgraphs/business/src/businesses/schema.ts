import gql from 'graphql-tag';

export const businessTypeDefs = gql`
  type Address {
    line1: String
    line2: String
    city: String
    postalCode: String
    region: String
    "ISO 3166-1 alpha-2 code, e.g. DE."
    country: String
  }

  """
  A provider or branch of an organization: the place a customer visits. Its profile and
  services are public (PWA visitors read them without signing in); signed-in callers see only
  their own organization's businesses.
  """
  type Business @key(fields: "id") {
    id: ID!
    name: String!
    "Unique across the platform; used in the address of the business's PWA."
    slug: String!
    "IANA zone, e.g. Europe/Berlin. Opening hours and ticket days are local to it."
    timezone: String!
    description: String
    category: String
    phone: String
    email: String
    website: String
    "Null when no part of the address is set."
    address: Address
    acceptsWalkIns: Boolean!
    "Most visits that may wait at once; null means no limit."
    queueCapacity: Int
    "Active services, by name; includeInactive adds inactive ones for staff of the business."
    services(includeInactive: Boolean = false): [Service!]!
    "The weekly hours, by weekday and time; breaks are the gaps between a day's intervals."
    openingHours: [OpeningHoursInterval!]!
    "The booking rules; the defaults until a manager sets them."
    bookingPolicy: BookingPolicy!
    "Weekly booking windows. With serviceId, that service's own windows; without, every window (business-wide ones first)."
    availability(serviceId: ID): [AvailabilityWindow!]!
    "Days that differ from the week, by date; from defaults to today where the business is (YYYY-MM-DD, both ends inclusive)."
    availabilityExceptions(from: String, to: String): [AvailabilityException!]!
    """
    Internal: every rule slots are computed from (booking-schedule.ts), for the queue
    subgraph's availableSlots (@requires) and its booking checks. Not part of the public API.
    """
    bookingSchedule: JSON @inaccessible
    "Members and our own services only; anonymous callers get UNAUTHENTICATED."
    organization: Organization!
    createdAt: DateTime!
  }

  input AddressInput {
    line1: String
    line2: String
    city: String
    postalCode: String
    region: String
    country: String
  }

  input CreateBusinessInput {
    name: String!
    "Derived from the name (and made unique) when absent; an explicit slug that is taken is CONFLICT."
    slug: String
    "IANA zone, e.g. Europe/Berlin."
    timezone: String!
    description: String
    category: String
    phone: String
    email: String
    website: String
    address: AddressInput
    acceptsWalkIns: Boolean = true
    queueCapacity: Int
    "A retry with the same key returns the first business and writes nothing."
    idempotencyKey: String
  }

  "Only the fields sent change; null clears an optional field."
  input UpdateBusinessInput {
    id: ID!
    name: String
    slug: String
    timezone: String
    description: String
    category: String
    phone: String
    email: String
    website: String
    address: AddressInput
    acceptsWalkIns: Boolean
    queueCapacity: Int
  }

  extend type Query {
    "A business by id or by slug (exactly one); null when it does not exist or is another organization's."
    business(id: ID, slug: String): Business
    "The businesses of the caller's organization."
    businesses: [Business!]!
  }

  extend type Mutation {
    "MANAGER or higher. The plan limits the number of businesses (FORBIDDEN past it)."
    createBusiness(input: CreateBusinessInput!): Business!
    "MANAGER or higher."
    updateBusiness(input: UpdateBusinessInput!): Business!
  }
`;
