import gql from 'graphql-tag';

export const apiKeyTypeDefs = gql`
  """
  A partner key (kiosk, display screen, CRM). Partners send it in the x-api-key header; it acts
  for its organization only and may run only the published (persisted) operations.
  """
  type ApiKey {
    id: ID!
    name: String!
    "The first characters of the key, to tell keys apart; the key itself is never shown again."
    prefix: String!
    createdAt: DateTime!
    "Updated at most once a minute."
    lastUsedAt: DateTime
    "Set when the key was revoked; a revoked key is refused at once."
    revokedAt: DateTime
  }

  type CreateApiKeyPayload {
    "The key, shown only this once; store it where the partner's device can read it."
    key: String!
    apiKey: ApiKey!
  }

  input CreateApiKeyInput {
    "1 to 100 characters, e.g. Entrance kiosk."
    name: String!
    "A retry with the same key returns the first key (the same secret) and writes nothing."
    idempotencyKey: String
  }

  "Internal: who a partner key acts for, for the gateway."
  type PartnerIdentity @inaccessible {
    apiKeyId: ID!
    organizationId: ID!
  }

  extend type Query {
    "The organization's partner keys, newest first, revoked ones included (OWNER and ADMIN)."
    apiKeys: [ApiKey!]!
    "Internal: the partner behind a key hash (SHA-256, hex); null when unknown or revoked. Service identities only."
    apiKeyIdentity(keyHash: String!): PartnerIdentity @inaccessible
  }

  extend type Mutation {
    "OWNER and ADMIN. The key is in the answer only; only its hash is stored."
    createApiKey(input: CreateApiKeyInput!): CreateApiKeyPayload!
    "OWNER and ADMIN. Refused from the very next request; revoking twice changes nothing."
    revokeApiKey(id: ID!): ApiKey!
  }
`;
