import gql from 'graphql-tag';

export const privacyTypeDefs = gql`
  "A JSON document."
  scalar JSONObject

  "What erasing a customer did, in every subgraph."
  type CustomerErasure {
    customerId: ID!
    "false when the customer had been erased already: nothing was left to do (every count is 0)."
    erased: Boolean!
    "Visits anonymized: they keep their timings (insights stay the same) and lose every personal field."
    visits: Int!
    "Records of notifications sent about those visits, deleted."
    notifications: Int!
    "Standby entries anonymized (a waiting one is cancelled)."
    standbyEntries: Int!
    "Push subscriptions of those visits, deleted."
    pushSubscriptions: Int!
    "Sign-in sessions (refresh tokens) deleted."
    sessions: Int!
  }

  extend type Query {
    """
    Everything held about a customer of the caller's organization, in every subgraph, as one
    JSON document: { exportedAt, customer, notificationPreferences, sessions, visits (with
    their history), notifications, standbyEntries, pushSubscriptions (endpoints only) }.
    MANAGER or higher; recorded in the audit log.
    """
    exportCustomerData(customerId: ID!): JSONObject!
    "The signed-in customer's own data, as exportCustomerData gives it."
    exportMyData: JSONObject!
  }

  extend type Mutation {
    """
    Erases a customer of the caller's organization everywhere: the account and its sessions
    are deleted, visits and standby entries anonymized (their timings kept), notification
    records and push subscriptions deleted. Email and SMS opt-outs are kept (they record a
    refusal). MANAGER or higher. Idempotent: erasing an erased customer answers erased: false.
    """
    eraseCustomer(customerId: ID!): CustomerErasure!
    "The signed-in customer erases their own account, as eraseCustomer does; they are signed out everywhere."
    eraseMyAccount: CustomerErasure!
  }
`;
