import gql from 'graphql-tag';

export const openingHoursTypeDefs = gql`
  "One opening interval of a weekday, in the business's time zone."
  type OpeningHoursInterval {
    "0 = Monday ... 6 = Sunday."
    weekday: Int!
    "HH:MM, 24-hour clock."
    opensAt: String!
    "HH:MM, later than opensAt; 24:00 is midnight at the end of the day."
    closesAt: String!
  }

  input OpeningHoursIntervalInput {
    weekday: Int!
    opensAt: String!
    closesAt: String!
  }

  extend type Mutation {
    """
    MANAGER or higher. Replaces the whole week. Intervals of a day must not overlap; hours past
    midnight are two intervals (until 24:00, then from 00:00 the next day). An empty list closes
    the business every day.
    """
    setOpeningHours(businessId: ID!, intervals: [OpeningHoursIntervalInput!]!): Business!
  }
`;
