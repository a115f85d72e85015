import gql from 'graphql-tag';

export const serviceTypeDefs = gql`
  "What a business offers. Public like the business's profile."
  type Service @key(fields: "id") {
    id: ID!
    name: String!
    category: String
    description: String
    "1 to 600 minutes; the fallback for wait estimates before statistics exist."
    durationMinutes: Int!
    "Null when the price is not shown."
    priceCents: Int
    "ISO 4217 code, e.g. EUR."
    currency: String!
    "Whether customers may book it themselves (the PWA); staff may book any active service."
    bookableOnline: Boolean!
    "Time kept free before each appointment of this service (0 to 240 minutes); slots honour it along with the booking policy's buffers."
    bufferBeforeMinutes: Int!
    "Time kept free after each appointment of this service (0 to 240 minutes); slots honour it along with the booking policy's buffers."
    bufferAfterMinutes: Int!
    "Inactive services are hidden from the public profile."
    active: Boolean!
    business: Business!
  }

  input CreateServiceInput {
    businessId: ID!
    name: String!
    category: String
    description: String
    durationMinutes: Int!
    priceCents: Int
    currency: String = "EUR"
    bookableOnline: Boolean = true
    bufferBeforeMinutes: Int = 0
    bufferAfterMinutes: Int = 0
    "A retry with the same key returns the first service and writes nothing."
    idempotencyKey: String
  }

  "Only the fields sent change; null clears an optional field."
  input UpdateServiceInput {
    id: ID!
    name: String
    category: String
    description: String
    durationMinutes: Int
    priceCents: Int
    currency: String
    bookableOnline: Boolean
    bufferBeforeMinutes: Int
    bufferAfterMinutes: Int
    active: Boolean
  }

  extend type Query {
    "A service by id; null when it does not exist or is another organization's."
    service(id: ID!): Service
  }

  extend type Mutation {
    "MANAGER or higher."
    createService(input: CreateServiceInput!): Service!
    "MANAGER or higher. Deactivate a service with active: false."
    updateService(input: UpdateServiceInput!): Service!
  }
`;
