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
    The holder of a visit's token asks to be notified about it on this device (the app calls it
    after a customer joins and allows notifications). Registering the same endpoint again
    updates its keys. The visit must not have ended.
    """
    registerPushSubscription(visitId: ID!, visitToken: String!, subscription: PushSubscriptionInput!): PushSubscription!
  }
`;
