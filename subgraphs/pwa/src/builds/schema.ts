import gql from 'graphql-tag';

export const buildTypeDefs = gql`
  enum PwaBuildStatus {
    BUILDING
    PUBLISHED
    FAILED
  }

  type PwaBuildFile {
    "Relative to the build's address, e.g. manifest.webmanifest."
    path: String!
    contentType: String!
    bytes: Int!
    "Hex SHA-256 of the content; also the file's ETag."
    sha256: String!
  }

  "One published version of a business's app."
  type PwaBuild {
    id: ID!
    "1, 2, 3 ... per business."
    version: Int!
    status: PwaBuildStatus!
    "The app's page of this version; null unless PUBLISHED."
    url: String
    manifestUrl: String
    "How long generating and storing the files took."
    durationMs: Int
    files: [PwaBuildFile!]!
    startedAt: DateTime!
    finishedAt: DateTime
  }

  extend type Mutation {
    """
    MANAGER or higher. Generates the app's files (manifest, service worker, page, icon) from the
    configuration and publishes them as the next version, served at url and under .../latest/.
    """
    publishPwa(businessId: ID!): PwaBuild!
  }
`;
