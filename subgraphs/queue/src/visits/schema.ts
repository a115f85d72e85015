import gql from 'graphql-tag';

export const visitTypeDefs = gql`
  enum VisitStatus {
    "An appointment waiting for staff approval (the business's policy requires it)."
    PENDING
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
    "Where the visit was called to, e.g. a counter or desk name; cleared when it goes back to waiting."
    counter: String
    "The staff member who last called (or recalled) the visit."
    calledBy: User
    "How many times the visit was called again after its first call."
    recallCount: Int!
    "The actual wait in minutes: from entering the line to the first call. Null until called."
    waitMinutes: Int
    """
    Where the visit stands in the line (waiting visits are called by priority, then this time):
    a walk-in's join time; an appointment checked in at most 5 minutes after its scheduled
    time keeps its scheduled time, a later one gets its check-in time; returnToQueue moves it.
    """
    lineAt: DateTime
    "An appointment's start and end; null for walk-ins."
    scheduledAt: DateTime
    scheduledEndAt: DateTime
    checkedInAt: DateTime
    joinedAt: DateTime
    calledAt: DateTime
    servedAt: DateTime
    doneAt: DateTime
    cancelledAt: DateTime
    noShowAt: DateTime
    "The visitor's language (BCP 47, e.g. de-DE) as sent when joining or booking; null when none was sent."
    language: String
    history: [VisitEvent!]!
  }

  """
  One change of a visit, in its history. A plain transition has no action; the other changes
  name theirs and fill the fields that describe them (the others are null).
  """
  type VisitEvent {
    "Null for the first event."
    fromStatus: VisitStatus
    "The same as fromStatus for a change that keeps the status (RECALLED, a transfer of a waiting visit)."
    toStatus: VisitStatus!
    at: DateTime!
    "staff, customer, partner, anonymous, or visit-token (the holder of the visit token)."
    actorKind: String!
    "RECALLED, RETURNED, TRANSFERRED, or an appointment's (APPROVED, CHECKED_IN, RESCHEDULED...); null for a plain transition."
    action: String
    "The counter of a call or recall."
    counter: String
    "RECALLED: the number of recalls so far."
    recallCount: Int
    "RETURNED: where the visit was put back."
    placement: Placement
    "TRANSFERRED: the queues and services it moved between."
    fromQueueId: ID
    toQueueId: ID
    fromServiceId: ID
    toServiceId: ID
    "BOOKED, RESCHEDULED: the appointment's time before (RESCHEDULED) and after the change."
    fromScheduledAt: DateTime
    toScheduledAt: DateTime
    "CHECKED_IN: whether the appointment kept its scheduled place in the line (on time or early)."
    onTime: Boolean
  }

  "Where returnToQueue puts a called visit back."
  enum Placement {
    "At the head of the visits of its priority."
    FIRST
    "Behind everyone waiting now."
    LAST
  }

  type User @key(fields: "id", resolvable: false) {
    id: ID!
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
    "Where SMS notifications go (the visitor's choice; STOP opts out)."
    phone: String
    "Where email notifications go (the visitor's choice; every email has a one-click unsubscribe link)."
    email: String
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
    "The visitor's language (BCP 47, e.g. de or pt-BR, at most 16 characters): notifications use it when the business has it."
    language: String
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
    "STAFF or higher: call a CALLED visit again (it stays CALLED; recallCount grows)."
    recallVisit(visitId: ID!): Visit!
    "STAFF or higher: a CALLED visit waits again, first of its priority or last."
    returnToQueue(visitId: ID!, placement: Placement!): Visit!
    """
    STAFF or higher: a WAITING or CALLED visit waits in another queue of its business (or for
    another service), keeping its ticket, line time and history. The target queue must be
    open and have room (QUEUE_CLOSED, QUEUE_FULL); serviceId must be one of the business's and,
    when the target queue names services, one of them.
    """
    transferVisit(visitId: ID!, queueId: ID!, serviceId: ID): Visit!
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
