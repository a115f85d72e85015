import gql from 'graphql-tag';

// The Business fields of this feature (availability, availabilityExceptions, bookingSchedule)
// are declared with the type, in businesses/schema.ts.
export const availabilityTypeDefs = gql`
  "A weekly window in which appointments may start and end, in the business's time zone."
  type AvailabilityWindow {
    id: ID!
    "The service the window is for; null means every service of the business."
    serviceId: ID
    "0 = Monday ... 6 = Sunday."
    weekday: Int!
    "HH:MM, 24-hour clock."
    startsAt: String!
    "HH:MM, later than startsAt; 24:00 is midnight at the end of the day."
    endsAt: String!
    "First day the window applies, YYYY-MM-DD; null means no start."
    validFrom: String
    "Last day the window applies (inclusive), YYYY-MM-DD; null means no end."
    validUntil: String
  }

  input AvailabilityIntervalInput {
    "0 = Monday ... 6 = Sunday."
    weekday: Int!
    "HH:MM from 00:00 to 23:59."
    startsAt: String!
    "HH:MM, later than startsAt; 24:00 ends the window at midnight."
    endsAt: String!
  }

  input SetAvailabilityInput {
    businessId: ID!
    "Whose windows are replaced: this service's (of the same business), or the business-wide ones when absent."
    serviceId: ID
    """
    The whole week of that scope. A day may hold several windows (breaks are the gaps);
    windows of a day must not overlap. An empty list removes the scope's windows.
    """
    intervals: [AvailabilityIntervalInput!]!
    "YYYY-MM-DD: the windows apply from this day on (every window of the scope)."
    validFrom: String
    "YYYY-MM-DD: the windows apply until this day, inclusive."
    validUntil: String
  }

  enum AvailabilityExceptionKind {
    "Closed all day."
    CLOSED
    "A public holiday: closed all day."
    HOLIDAY
    "Open only from opensAt to closesAt that day."
    SPECIAL_HOURS
  }

  "A day that differs from the weekly windows and opening hours."
  type AvailabilityException {
    id: ID!
    "YYYY-MM-DD, in the business's time zone."
    date: String!
    kind: AvailabilityExceptionKind!
    "HH:MM; SPECIAL_HOURS only."
    opensAt: String
    "HH:MM; SPECIAL_HOURS only."
    closesAt: String
    reason: String
  }

  input AddAvailabilityExceptionInput {
    businessId: ID!
    "YYYY-MM-DD in the business's time zone; today or later (at most three years ahead)."
    date: String!
    kind: AvailabilityExceptionKind!
    "HH:MM; required for SPECIAL_HOURS, refused for other kinds."
    opensAt: String
    "HH:MM, later than opensAt (24:00 allowed); required for SPECIAL_HOURS, refused for other kinds."
    closesAt: String
    reason: String
  }

  extend type Mutation {
    "MANAGER or higher. Replaces the weekly windows of the business, or of one of its services; answers them."
    setAvailability(input: SetAvailabilityInput!): [AvailabilityWindow!]!
    """
    MANAGER or higher. One exception per business and date: sending the same one again answers
    the stored exception; a different one for that date is CONFLICT (remove the old one first).
    """
    addAvailabilityException(input: AddAvailabilityExceptionInput!): AvailabilityException!
    "MANAGER or higher. Answers the exception removed."
    removeAvailabilityException(id: ID!): AvailabilityException!
  }
`;
