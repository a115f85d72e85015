import gql from 'graphql-tag';

export const organizationTypeDefs = gql`
  enum Plan {
    BASIC
    PRO
    ENTERPRISE
  }

  type OrganizationSettings {
    "IANA zone used where a business sets none, e.g. Europe/Berlin."
    timezone: String!
    "BCP 47 language tag, e.g. en or de-CH."
    language: String!
    "Unicode date pattern for dashboards, e.g. yyyy-MM-dd."
    dateFormat: String!
    "Ended visits older than this many days lose their personal fields (their timings stay for insights); customers without a visit in that window are deleted. Daily."
    dataRetentionDays: Int!
  }

  "The tenant. Readable by its members only."
  type Organization @key(fields: "id") {
    id: ID!
    name: String!
    slug: String!
    plan: Plan!
    settings: OrganizationSettings!
    businesses: [Business!]!
    createdAt: DateTime!
  }

  input ProvisionOrganizationInput @inaccessible {
    name: String!
    "Derived from the name when absent (with a short suffix if taken); an explicit slug that is taken is CONFLICT."
    slug: String
    "Unique across the platform: a retry with the same key returns the same organization."
    idempotencyKey: String
  }

  "Settings to change; one not sent (or null) keeps its value."
  input UpdateOrganizationSettingsInput {
    "An IANA zone, e.g. Europe/Berlin."
    timezone: String
    "A BCP 47 language tag, e.g. en or de-CH."
    language: String
    "A date pattern of y, M, d, E and separators (- . / , space), at most 32 characters, e.g. dd.MM.yyyy."
    dateFormat: String
    "From 30 to 3650."
    dataRetentionDays: Int
  }

  extend type Query {
    "The caller's organization; null for anonymous callers."
    organization: Organization
  }

  extend type Mutation {
    "Internal: the user subgraph creates the organization of a new owner on signUp."
    provisionOrganization(input: ProvisionOrganizationInput!): Organization! @inaccessible
    "OWNER or ADMIN: changes the caller's organization's settings. A bad setting is BAD_USER_INPUT naming it, and nothing is written."
    updateOrganizationSettings(input: UpdateOrganizationSettingsInput!): Organization!
  }
`;
