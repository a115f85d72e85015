import gql from 'graphql-tag';

export const notificationPreferenceTypeDefs = gql`
  "Whether a customer may be notified on each channel: null when the customer has no such address."
  type NotificationPreferences {
    email: Boolean
    sms: Boolean
    "Web push to the customer's registered browsers."
    push: Boolean
  }

  "true turns a channel on, false off; a field left out stays as it is."
  input UpdateNotificationPreferencesInput {
    email: Boolean
    sms: Boolean
    push: Boolean
  }

  extend type Customer {
    "Readable by the customer and by staff of the organization; null for anyone else."
    notificationPreferences: NotificationPreferences
  }

  extend type Mutation {
    "The signed-in customer's notification channels (for their own email, phone and browsers)."
    updateNotificationPreferences(input: UpdateNotificationPreferencesInput!): NotificationPreferences!
    "The one-click unsubscribe link's token (from an email): that address gets no more emails from the organization. Public."
    unsubscribe(token: String!): Boolean!
  }
`;
