import gql from 'graphql-tag';

export const queueTypeDefs = gql`
  enum QueueStatus {
    "Takes new visits."
    OPEN
    "A break: takes no new visits; those in line stay and can still be called."
    PAUSED
    "Closed for the day: takes no new visits."
    CLOSED
  }

  "A line at a business, optionally for some of its services."
  type Queue @key(fields: "id") {
    id: ID!
    name: String!
    status: QueueStatus!
    "Most visits that may wait at once; null means no limit."
    capacity: Int
    countersOpen: Int!
    "Tickets read <prefix>-<number>, e.g. A-042; numbers restart every business-local day."
    ticketPrefix: String!
    "A waiting visit is told it is getting close (once) when its position reaches this number or less: 1 to 50, default 3."
    notifyAtPosition: Int!
    business: Business!
    waitingCount: Int!
    "Minutes a visit joining now would wait before being called (the line ahead shared among the open counters)."
    estimatedWaitMinutes: Int
    "The next tickets to be called (first at most 10), for waiting-room screens: ticket numbers only, never names."
    nextTickets(first: Int = 3): [String!]!
    "The line, first to be called first. Staff and partners of the organization only."
    waiting(first: Int = 50): [Visit!]!
    "Visits called or being served. Staff and partners of the organization only."
    servingNow: [Visit!]!
    "How good the estimates were over the last called visits (at most 1000). Staff (STAFF+) and partners of the organization."
    estimateAccuracy(last: Int = 100): EstimateAccuracy!
    createdAt: DateTime!
  }

  """
  Announced waits against actual ones (from entering the line to the first call), in minutes,
  over the queue's last called visits. Null figures when there are no samples.
  """
  type EstimateAccuracy {
    "Mean absolute error of the first estimate (given on joining)."
    meanAbsoluteErrorMinutes: Float
    "Mean absolute error of the latest estimate (kept current while waiting; the last remaining wait announced)."
    meanAbsoluteErrorLatestMinutes: Float
    "Mean of first estimate minus actual wait: positive means waits were announced longer than they were."
    biasMinutes: Float
    "Called visits counted."
    samples: Int!
  }

  type Business @key(fields: "id") {
    id: ID!
    "The queues of this business: all of them for members of its organization, the OPEN ones for anonymous callers (the app's business page; never the people in them)."
    queues: [Queue!]!
    "The business subgraph's booking rules, fetched by the gateway for availableSlots (internal there, never public)."
    bookingSchedule: JSON @external
    """
    The start times a service can be booked at in [from, to) (at most 92 days apart), earliest
    first, with the spots each has left. Public. Honours the availability, exceptions and
    booking policy of the business (minimum notice, how far ahead, buffers, spots per slot,
    limit per day) and the appointments already booked. BAD_USER_INPUT (field serviceId) for a
    service that is unknown, inactive or not bookable online; (field to) for a bad range.
    """
    availableSlots(serviceId: ID!, from: DateTime!, to: DateTime!): [Slot!]! @requires(fields: "bookingSchedule")
    """
    What happened to the visits that arrived in [from, to), in the business's time zone (a visit
    counts in the local hour it entered the line; an hour is in when it starts in the period),
    optionally for one queue, service or staff member. MANAGER or higher of the business's
    organization. Read from rollups kept by a background task: up to a minute behind.
    BAD_USER_INPUT (field to) when to is not after from or the period is longer than 31 days
    (HOUR), 400 days (DAY) or 1100 days (WEEK).
    """
    insights(from: DateTime!, to: DateTime!, granularity: InsightsGranularity = DAY, serviceId: ID, queueId: ID, staffId: ID): Insights!
    "The figures of insights with the same arguments as CSV: a header, a total row, one row per bucket, per service and per staff member."
    insightsCsv(from: DateTime!, to: DateTime!, granularity: InsightsGranularity = DAY, serviceId: ID, queueId: ID, staffId: ID): String!
  }

  input CreateQueueInput {
    businessId: ID!
    name: String!
    capacity: Int
    countersOpen: Int = 1
    "One to three capital letters."
    ticketPrefix: String = "A"
    "The services this queue is for; empty means any service of the business."
    serviceIds: [ID!]
    idempotencyKey: String
  }

  input UpdateQueueInput {
    queueId: ID!
    "Null removes the limit; leave the field out to keep it."
    capacity: Int
    countersOpen: Int
    "1 to 50: the position at which a waiting visit is told it is getting close."
    notifyAtPosition: Int
  }

  type Query {
    "A queue of the caller's organization."
    queue(id: ID!): Queue
    queues(businessId: ID!): [Queue!]!
  }

  type Mutation {
    "MANAGER or higher."
    createQueue(input: CreateQueueInput!): Queue!
    "MANAGER or higher."
    updateQueue(input: UpdateQueueInput!): Queue!
    "STAFF or higher."
    pauseQueue(queueId: ID!): Queue!
    "STAFF or higher."
    resumeQueue(queueId: ID!): Queue!
    "MANAGER or higher."
    closeQueue(queueId: ID!): Queue!
    "MANAGER or higher."
    openQueue(queueId: ID!): Queue!
  }
`;
