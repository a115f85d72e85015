import gql from 'graphql-tag';

/**
 * Live updates. The gateway serves these fields over graphql-ws on /graphql (this subgraph
 * only declares them and projects its events; see gateway/src/subscriptions/README.md).
 */
export const eventTypeDefs = gql`
  "What happened in a queue."
  enum QueueChangeKind {
    "A visit entered the line."
    JOINED
    "A visit was called to a counter."
    CALLED
    "Serving a called visit started."
    SERVING_STARTED
    "A visit was served."
    COMPLETED
    "A called visit did not show up."
    NO_SHOW
    "A visit left the line or was cancelled."
    CANCELLED
    "A called visit was called again."
    RECALLED
    "A called visit went back to waiting."
    RETURNED
    "A visit moved to another queue or service: both queues get this event (the visit left one and joined the other)."
    TRANSFERRED
    "An appointment was booked in this queue (it counts in the estimates of the visits behind its time)."
    APPOINTMENT_BOOKED
    "An appointment was approved or rescheduled."
    APPOINTMENT_CHANGED
    "An appointment checked in: it waits in the line."
    CHECKED_IN
    QUEUE_PAUSED
    QUEUE_RESUMED
    QUEUE_CLOSED
    QUEUE_OPENED
    "Capacity or counters open changed."
    QUEUE_UPDATED
  }

  "Why an event concerns the visit a visitUpdated subscriber watches."
  enum VisitUpdateReason {
    "The event was about this visit (joined, called, recalled, returned, transferred, serving, done, no-show, cancelled...)."
    VISIT_CHANGED
    POSITION_CHANGED
    ESTIMATE_CHANGED
    "The queue was paused, resumed, closed or opened while the visit was in it."
    QUEUE_STATUS_CHANGED
  }

  "One event of a queue, with the queue as it was right after the change."
  type QueueUpdate {
    "Grows by one with every event of the queue; resume with afterSequence set to the last one received."
    sequence: Int!
    change: QueueChangeKind!
    "When the event was recorded."
    at: DateTime!
    queue: Queue!
    "The visits the change was about (the one called, the one who joined...); empty for a change of the queue itself."
    visits: [Visit!]!
  }

  "An event of a visit's queue that changed something for that visit."
  type VisitUpdate {
    "The sequence of the queue's event (so it may skip numbers: events that did not concern this visit are left out)."
    sequence: Int!
    change: QueueChangeKind!
    at: DateTime!
    reasons: [VisitUpdateReason!]!
    "The visit right after the change, with its position and estimate."
    visit: Visit!
  }

  """
  Internal (the gateway's subscriptions, through _entities): one event of a queue, read from the
  event log, never from the database.
  """
  type SubscriptionEvent @key(fields: "queueId sequence") @inaccessible {
    queueId: ID!
    sequence: Int!
    """
    A subscription document of this subgraph run against the event for each of the subscribers'
    variables, with the caller's identity: one { result, ends } each (result null when the event
    changes nothing for the visit watched, compared with the event at previousSequence).
    """
    payloads(document: String!, operationName: String, variables: [JSON!]!, previousSequence: Int): [JSON!]!
  }

  "Internal: what a subscription follows once it is allowed."
  type SubscriptionTarget @inaccessible {
    queueId: ID!
    "The visit had already ended: nothing more will happen to it."
    finished: Boolean!
  }

  extend type Query {
    "Internal (the gateway, on each subscribe, with the subscriber's identity): may the caller subscribe to this field with these arguments?"
    subscriptionAccess(field: String!, arguments: JSON!): SubscriptionTarget! @inaccessible
  }

  type Subscription {
    """
    Every event of a queue, in order: staff of its organization (any role) and partner keys
    (display screens). With afterSequence, first every event after it still in the log (the
    last hour by default; older answers SEQUENCE_TOO_OLD), then live ones.
    """
    queueUpdated(queueId: ID!, afterSequence: Int): QueueUpdate!
    """
    The events that matter to one visit: it was called, served, cancelled..., its position or
    estimate changed, or its queue was paused, resumed or closed. For the holder of the visit
    token, the customer it belongs to, and staff of the organization. afterSequence is a
    sequence of the visit's queue, as in queueUpdated. Completes after the visit ends.
    """
    visitUpdated(visitId: ID!, visitToken: String, afterSequence: Int): VisitUpdate!
  }
`;
