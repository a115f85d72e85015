import gql from 'graphql-tag';

export const pushTypeDefs = gql`
  "The keys of a browser's push subscription (PushSubscription.toJSON().keys)."
  input PushSubscriptionKeysInput {
    p256dh: String!
    auth: String!
  }

  "A browser's push subscription, as PushSubscription.toJSON() gives it."
  input PushSubscriptionInput {
    "An https URL of the browser's push service."
    endpoint: String!
    "Milliseconds since the epoch; null when it does not expire."
    expirationTime: Float
    keys: PushSubscriptionKeysInput!
  }

  "A device that will be told about a visit by web push."
  type PushSubscription {
    id: ID!
    visitId: ID!
    createdAt: DateTime!
  }

  extend type Mutation {
    """
    A device asks to be notified about a visit (the app calls it after a customer joins and
    allows notifications): the holder of the visit token, or without one whoever may read the
    visit (its signed-in customer, staff of its organization). Registering the same endpoint
    again updates its keys. The visit must not have ended (INVALID_TRANSITION).
    """
    registerPushSubscription(visitId: ID!, visitToken: String, subscription: PushSubscriptionInput!): PushSubscription!
  }
`;
