import gql from 'graphql-tag';

export const bookingPolicyTypeDefs = gql`
  "How appointments of a business may be booked."
  type BookingPolicy {
    slotMinutes: Int!
    bufferBeforeMinutes: Int!
    bufferAfterMinutes: Int!
    "Bookings must be made at least this long before the slot."
    minNoticeMinutes: Int!
    "Bookings may be made at most this many days ahead."
    maxAdvanceDays: Int!
    "Null means no daily limit."
    maxBookingsPerDay: Int
    approvalRequired: Boolean!
    "Customers may cancel until this long before the slot."
    cancellationWindowMinutes: Int!
    "How many appointments may share one slot (chairs, counters): 1 to 100."
    spotsPerSlot: Int!
    "An appointment not checked in this many minutes after its time becomes NO_SHOW (0 to 240)."
    noShowGraceMinutes: Int!
    "How long a standby entry has to accept an offered slot before the next one is asked (5 to 1440 minutes)."
    standbyOfferMinutes: Int!
    "How long before an appointment its reminder is due (0 to 10080 minutes); 0 sends no reminder."
    reminderMinutesBefore: Int!
    """
    Start of the quiet hours (HH:MM, business-local), or null for none. A reminder due in the
    quiet hours waits until they end, or goes just before they begin when that would be after
    the appointment. Never applies to being called.
    """
    quietHoursStart: String
    "End of the quiet hours (HH:MM, business-local); may be earlier than the start (21:00 to 08:00 spans midnight)."
    quietHoursEnd: String
  }

  """
  Only the fields sent change; maxBookingsPerDay: null removes the daily limit. Quiet hours
  are sent as a pair: both HH:MM to set them, both null to remove them.
  """
  input SetBookingPolicyInput {
    businessId: ID!
    slotMinutes: Int
    bufferBeforeMinutes: Int
    bufferAfterMinutes: Int
    minNoticeMinutes: Int
    maxAdvanceDays: Int
    maxBookingsPerDay: Int
    approvalRequired: Boolean
    cancellationWindowMinutes: Int
    spotsPerSlot: Int
    noShowGraceMinutes: Int
    standbyOfferMinutes: Int
    reminderMinutesBefore: Int
    quietHoursStart: String
    quietHoursEnd: String
  }

  extend type Mutation {
    "MANAGER or higher."
    setBookingPolicy(input: SetBookingPolicyInput!): Business!
  }
`;
