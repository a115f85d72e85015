import gql from 'graphql-tag';

export const webhookTypeDefs = gql`
  """
  Where an organization's events are POSTed, signed by the Standard Webhooks scheme
  (webhook-id, webhook-timestamp, webhook-signature headers; body { type timestamp data }).
  """
  type WebhookEndpoint {
    id: ID!
    url: String!
    description: String
    "visit.joined, visit.called, queue.paused, ..."
    eventTypes: [String!]!
    "False once deliveries failed for good too many times in a row; enableWebhookEndpoint turns it back on."
    enabled: Boolean!
    disabledAt: DateTime
    disabledReason: String
    createdAt: DateTime!
  }

  type CreateWebhookEndpointPayload {
    endpoint: WebhookEndpoint!
    "The signing secret (whsec_...), shown only in this answer; verify deliveries with it."
    secret: String!
  }

  input CreateWebhookEndpointInput {
    "An https URL (at most 2048 characters); one that resolves to a loopback, private or link-local address is refused."
    url: String!
    "At least one of the known event types (visit.joined, visit.called, visit.recalled, visit.serving_started, visit.served, visit.no_show, visit.cancelled, visit.returned, visit.transferred, visit.checked_in, appointment.booked, appointment.changed, queue.paused, queue.resumed, queue.closed, queue.opened, queue.updated)."
    eventTypes: [String!]!
    "At most 500 characters."
    description: String
  }

  enum WebhookDeliveryStatus {
    PENDING
    SUCCEEDED
    "Retried for the whole schedule (over a day) without success."
    FAILED
  }

  "One try at sending a delivery."
  type WebhookAttempt {
    attemptedAt: DateTime!
    succeeded: Boolean!
    "The receiver's HTTP status; null when no answer came (refused address, timeout, connection error)."
    statusCode: Int
    error: String
    durationMs: Int!
  }

  "One event for one endpoint; its attempts are the delivery log."
  type WebhookDelivery {
    id: ID!
    "The webhook-id header: the same on every attempt and redelivery."
    eventId: String!
    eventType: String!
    status: WebhookDeliveryStatus!
    attemptCount: Int!
    lastStatusCode: Int
    lastError: String
    createdAt: DateTime!
    deliveredAt: DateTime
    "Oldest first."
    attempts: [WebhookAttempt!]!
  }

  type WebhookDeliveryEdge {
    cursor: String!
    node: WebhookDelivery!
  }

  type WebhookDeliveryPageInfo {
    hasNextPage: Boolean!
    "Pass as after for the next page."
    endCursor: String
  }

  type WebhookDeliveryConnection {
    edges: [WebhookDeliveryEdge!]!
    nodes: [WebhookDelivery!]!
    pageInfo: WebhookDeliveryPageInfo!
  }

  extend type Query {
    "The organization's webhook endpoints, oldest first (OWNER and ADMIN)."
    webhookEndpoints: [WebhookEndpoint!]!
    "An endpoint's deliveries, newest first (OWNER and ADMIN). first: 1 to 100."
    webhookDeliveries(endpointId: ID!, first: Int = 20, after: String): WebhookDeliveryConnection!
  }

  extend type Mutation {
    "Adds a webhook endpoint (OWNER and ADMIN); the signing secret is in this answer only."
    createWebhookEndpoint(input: CreateWebhookEndpointInput!): CreateWebhookEndpointPayload!
    "Replaces the signing secret at once (OWNER and ADMIN); the new one is in this answer only."
    rotateWebhookSecret(id: ID!): CreateWebhookEndpointPayload!
    "Turns a disabled endpoint back on, its failure count reset (OWNER and ADMIN)."
    enableWebhookEndpoint(id: ID!): WebhookEndpoint!
    "Sends an example event (type webhook.test, whatever the endpoint subscribes to) to an enabled endpoint now (OWNER and ADMIN)."
    sendTestWebhook(endpointId: ID!): WebhookDelivery!
    "Sends a delivery again, with the same webhook-id and a fresh set of attempts (OWNER and ADMIN)."
    redeliverWebhook(deliveryId: ID!): WebhookDelivery!
    "Deletes an endpoint and its delivery log (OWNER and ADMIN); returns its id."
    deleteWebhookEndpoint(id: ID!): ID!
  }
`;
