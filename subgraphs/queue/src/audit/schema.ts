import gql from 'graphql-tag';

export const auditTypeDefs = gql`
  extend type Query {
    "Internal (the user subgraph's auditLog): staff and partner actions on visits as audit entries, newest first; OWNER and ADMIN of their own organization."
    auditVisitEvents(from: DateTime!, to: DateTime!, actorId: ID, action: String, first: Int): JSON @inaccessible
  }
`;
