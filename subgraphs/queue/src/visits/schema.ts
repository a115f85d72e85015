import gql from 'graphql-tag';

export const visitTypeDefs = gql`
  enum VisitStatus {
    "An appointment not yet checked in."
    BOOKED
    WAITING
    CALLED
    SERVING
    DONE
    NO_SHOW
    CANCELLED
  }

  enum VisitKind {
    WALK_IN
    APPOINTMENT
  }

  enum VisitSource {
    PWA
    KIOSK
    STAFF
    PARTNER
  }

  "One customer's trip through a queue."
  type Visit @key(fields: "id") {
    id: ID!
    "Short and human, e.g. A-042; unique per queue and business-local day."
    ticket: String
    ticketNumber: Int
    status: VisitStatus!
    kind: VisitKind!
    source: VisitSource!
    "Higher is called first."
    priority: Int!
    partySize: Int!
    customerName: String!
    "1-based place among the waiting visits of the queue; null unless WAITING."
    position: Int
    "Minutes until this visit is likely called; null unless WAITING."
    estimatedWaitMinutes: Int
    "The estimate given when the visit joined the line."
    firstEstimateMinutes: Int
    "The last estimate recorded on a change of this visit."
    latestEstimateMinutes: Int
    "Null for a walk-in without an account."
    customer: Customer
    service: Service
    queue: Queue!
    "Where the visit was called to, e.g. a counter or desk name."
    counter: String
    joinedAt: DateTime
    calledAt: DateTime
    servedAt: DateTime
    doneAt: DateTime
    cancelledAt: DateTime
    noShowAt: DateTime
    history: [VisitEvent!]!
  }

  "One change of a visit's status."
  type VisitEvent {
    "Null for the first event."
    fromStatus: VisitStatus
    toStatus: VisitStatus!
    at: DateTime!
    "staff, customer, partner, anonymous, or visit-token (the holder of the visit token)."
    actorKind: String!
  }

  type Customer @key(fields: "id") {
    id: ID!
    "The customer's latest visits, newest first: for the customer and staff of the organization."
    visits(first: Int = 20): [Visit!]!
  }

  type Service @key(fields: "id", resolvable: false) {
    id: ID!
  }

  input JoinQueueInput {
    queueId: ID!
    "Required for a walk-in without an account."
    name: String
    phone: String
    "Must be one of the queue's services when it names any."
    serviceId: ID
    partySize: Int = 1
    notes: String
    "Staff only; higher is called first."
    priority: Int
    "Defaults from the caller: PWA, STAFF or PARTNER."
    source: VisitSource
    "Staff only: the customer account the visit is for."
    customerId: ID
    idempotencyKey: String
  }

  type JoinQueuePayload {
    visit: Visit!
    "Lets its holder watch or cancel this one visit; keep it secret."
    visitToken: String!
  }

  extend type Query {
    "For staff of its organization, the customer it belongs to, or the holder of its visit token."
    visit(id: ID!, visitToken: String): Visit
  }

  extend type Mutation {
    joinQueue(input: JoinQueueInput!): JoinQueuePayload!
    "STAFF or higher. Null when nobody waits."
    callNext(queueId: ID!, counter: String): Visit
    "STAFF or higher."
    startServing(visitId: ID!): Visit!
    "STAFF or higher."
    completeVisit(visitId: ID!): Visit!
    "STAFF or higher; only a CALLED visit can be a no-show."
    markNoShow(visitId: ID!): Visit!
    "The holder of the visit token, the customer it belongs to, or STAFF or higher."
    cancelVisit(visitId: ID!, visitToken: String): Visit!
  }
`;
