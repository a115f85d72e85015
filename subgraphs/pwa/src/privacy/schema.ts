import gql from 'graphql-tag';

// Internal fields the user subgraph calls, as the caller, to export or erase a customer's data.
export const privacyTypeDefs = gql`
  "Any JSON value (internal: a customer's data between subgraphs; not in the public API)."
  scalar JSON @inaccessible

  extend type Query {
    "The push subscriptions of these visits (endpoints, no keys). MANAGER or higher, or the customer themself."
    visitPushSubscriptions(visitIds: [ID!]!): JSON @inaccessible
  }

  extend type Mutation {
    "Deletes the push subscriptions of these visits; answers { pushSubscriptions: count }."
    eraseVisitPushSubscriptions(visitIds: [ID!]!): JSON @inaccessible
  }
`;
