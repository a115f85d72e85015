import gql from 'graphql-tag';

// Internal fields the user subgraph calls, as the caller, to export or erase one customer's
// data (user subgraph: exportCustomerData, eraseCustomer, exportMyData, eraseMyAccount).
// @inaccessible: never part of the public API.
export const privacyTypeDefs = gql`
  extend type Query {
    "The customer's visits (with history and notifications) and standby entries. MANAGER or higher, or the customer themself."
    customerDataExport(customerId: ID!): JSON @inaccessible
  }

  extend type Mutation {
    "Anonymizes the customer's visits and standby entries, keeping their timings; answers the counts. Idempotent."
    eraseCustomerData(customerId: ID!): JSON @inaccessible
  }
`;
