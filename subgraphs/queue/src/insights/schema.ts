import gql from 'graphql-tag';

/** The types of Business.insights and Business.insightsCsv (the fields are on Business in queues/schema.ts). */
export const insightsTypeDefs = gql`
  "The size of an insights series' buckets, in the business's time zone."
  enum InsightsGranularity {
    HOUR
    "Local days (a DST day is 23 or 25 hours)."
    DAY
    "ISO weeks, Monday to Sunday."
    WEEK
  }

  "Percentiles of durations in whole minutes (rounded down: 7 means 7 to 8 minutes; 720 means 12 hours or more). Null without samples."
  type MinutePercentiles {
    p50: Int
    p90: Int
  }

  "Announced waits against actual ones (entering the line to the first call), in minutes. Null without samples."
  type InsightsEtaError {
    "Mean |first estimate - actual wait|."
    meanAbsoluteMinutes: Float
    "Mean |latest estimate - actual wait|: the last remaining wait announced."
    meanAbsoluteLatestMinutes: Float
    "Mean of first estimate - actual wait: positive means waits were announced longer than they were."
    biasMinutes: Float
    "Called visits with a first estimate."
    samples: Int!
  }

  """
  What happened to the visits that arrived in a period (entered the line; an appointment never
  checked in counts at its booked time). Percentiles come from the whole distribution, never
  from averages of parts.
  """
  type Insights {
    from: DateTime!
    to: DateTime!
    granularity: InsightsGranularity!
    "The IANA zone of the business: buckets and busy hours are in it."
    timezone: String!
    "Visits that entered the line (walk-ins, appointments that checked in)."
    joined: Int!
    "Visits served to the end (DONE)."
    served: Int!
    noShows: Int!
    cancelled: Int!
    "Visits that left the line before being called (cancelled after joining)."
    abandoned: Int!
    "abandoned / joined; null when nobody joined."
    abandonmentRate: Float
    "From entering the line to the first call."
    waitMinutes: MinutePercentiles!
    "From the start of serving to done."
    serviceMinutes: MinutePercentiles!
    "Visits served per business-local hour with any visit."
    throughputPerHour: Float
    "Joins per business-local hour of the week: 7 lists (Monday first) of 24 counts (hour 0 first)."
    busyHours: [[Int!]!]!
    etaError: InsightsEtaError!
    "Every bucket of the period at the granularity, empty ones included, earliest first."
    series: [InsightsBucket!]!
    "Per service (serviceId null: visits without a service), busiest first."
    byService: [ServiceInsights!]!
    "Per staff member who called the visits (staffId null: never called), busiest first."
    byStaff: [StaffInsights!]!
  }

  type InsightsBucket {
    "The bucket's start (a local hour, midnight or Monday midnight of the business)."
    start: DateTime!
    joined: Int!
    served: Int!
    noShows: Int!
    cancelled: Int!
    abandoned: Int!
    abandonmentRate: Float
    waitMinutes: MinutePercentiles!
    serviceMinutes: MinutePercentiles!
    throughputPerHour: Float
    etaError: InsightsEtaError!
  }

  type ServiceInsights {
    serviceId: ID
    joined: Int!
    served: Int!
    noShows: Int!
    cancelled: Int!
    abandoned: Int!
    abandonmentRate: Float
    waitMinutes: MinutePercentiles!
    serviceMinutes: MinutePercentiles!
    throughputPerHour: Float
    etaError: InsightsEtaError!
  }

  type StaffInsights {
    "A User id of the business's organization."
    staffId: ID
    joined: Int!
    served: Int!
    noShows: Int!
    cancelled: Int!
    abandoned: Int!
    abandonmentRate: Float
    waitMinutes: MinutePercentiles!
    serviceMinutes: MinutePercentiles!
    throughputPerHour: Float
    etaError: InsightsEtaError!
  }
`;
