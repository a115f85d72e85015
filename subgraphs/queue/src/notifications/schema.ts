import gql from 'graphql-tag';

export const notificationTypeDefs = gql`
  enum NotificationChannel {
    EMAIL
    PUSH
    SMS
  }

  enum NotificationKind {
    JOINED
    GETTING_CLOSE
    CALLED
    RECALLED
    APPOINTMENT_CONFIRMED
    APPOINTMENT_REMINDER
    APPOINTMENT_CANCELLED
  }

  enum NotificationStatus {
    "Handed to a job, not yet accepted by the provider."
    PENDING
    "Accepted by the provider (SMTP server, push service, SMS API)."
    SENT
    "The provider reported it delivered (SMS)."
    DELIVERED
    "Not sent: the address opted out, or nothing could reach the visitor on this channel."
    SKIPPED
    "Given up after retries, or refused by the provider."
    FAILED
  }

  "One message sent (or not) to a visitor: at most one per visit, kind and channel."
  type Notification {
    channel: NotificationChannel!
    kind: NotificationKind!
    status: NotificationStatus!
    sentAt: DateTime
  }

  extend type Visit @key(fields: "id") {
    "What the visitor was told, on which channel, and how it went; oldest first."
    notifications: [Notification!]!
  }
`;
