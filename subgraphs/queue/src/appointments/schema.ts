import gql from 'graphql-tag';

export const appointmentTypeDefs = gql`
  extend type Visit {
    "When the appointment was booked (PENDING or BOOKED)."
    bookedAt: DateTime
    "When staff approved it; equal to bookedAt when the policy needs no approval."
    approvedAt: DateTime
    "Not checked in by then, the appointment becomes NO_SHOW by itself."
    checkInDeadline: DateTime
    "Until then the customer may cancel or move it online (CANCELLATION_WINDOW_PASSED after); staff at any time."
    cancellableUntil: DateTime
  }

  input BookAppointmentInput {
    businessId: ID!
    "A bookable service of the business; the slot must be one of Business.availableSlots for it."
    serviceId: ID!
    startsAt: DateTime!
    "The queue to wait in after checking in; by default the business's queue for the service."
    queueId: ID
    "Required without a customer account, with a phone or an email."
    name: String
    phone: String
    email: String
    partySize: Int = 1
    notes: String
    "Staff only: the customer account the appointment is for."
    customerId: ID
    "Defaults from the caller: PWA, STAFF or PARTNER."
    source: VisitSource
    "The visitor's language (BCP 47, e.g. de or pt-BR, at most 16 characters): confirmations and reminders use it when the business has it."
    language: String
    "A retry with the same key returns the first booking and writes nothing; the same key for another booking is CONFLICT."
    idempotencyKey: String
  }

  type BookAppointmentPayload {
    "PENDING when the business approves bookings (staff bookings never wait), else BOOKED."
    visit: Visit!
    "Lets its holder watch, move, check in or cancel this one appointment; keep it secret."
    visitToken: String!
  }

  extend type Query {
    "STAFF or higher: the appointments of a business that start in [from, to), earliest first."
    appointments(businessId: ID!, from: DateTime!, to: DateTime!, statuses: [VisitStatus!]): [Visit!]!
  }

  extend type Mutation {
    "Anyone: a visitor without an account (name and phone or email), a customer for themself, staff for anyone. SLOT_UNAVAILABLE when the slot is taken."
    bookAppointment(input: BookAppointmentInput!): BookAppointmentPayload!
    "The holder of the visit token or its customer until cancellableUntil (CANCELLATION_WINDOW_PASSED after); STAFF or higher at any time."
    rescheduleAppointment(visitId: ID!, startsAt: DateTime!, visitToken: String): Visit!
    "STAFF or higher: PENDING -> BOOKED."
    approveAppointment(visitId: ID!): Visit!
    "The holder of the visit token, its customer, or staff: BOOKED -> WAITING, from two hours before the appointment."
    checkIn(visitId: ID!, visitToken: String): Visit!
  }
`;

export const standbyTypeDefs = gql`
  enum StandbyStatus {
    WAITING
    "A slot is offered to this entry (see offers)."
    OFFERED
    BOOKED
    CANCELLED
    EXPIRED
  }

  enum StandbyOfferStatus {
    OPEN
    ACCEPTED
    EXPIRED
    "Someone else booked the slot before the offer was accepted."
    TAKEN
  }

  "A wish for a slot of a service on some days, should one free up."
  type StandbyEntry {
    id: ID!
    status: StandbyStatus!
    service: Service!
    "Business-local days (YYYY-MM-DD), both included."
    fromDay: String!
    untilDay: String!
    "The booking made from an accepted offer."
    visit: Visit
    "The latest offers, newest first."
    offers: [StandbyOffer!]!
    createdAt: DateTime!
  }

  "A freed slot offered to one standby entry; the first to book the slot gets it."
  type StandbyOffer {
    id: ID!
    status: StandbyOfferStatus!
    startsAt: DateTime!
    expiresAt: DateTime!
  }

  input JoinStandbyInput {
    businessId: ID!
    serviceId: ID!
    fromDay: String!
    untilDay: String!
    "Required without a customer account, with a phone or an email."
    name: String
    phone: String
    email: String
    "Staff only: the customer account the entry is for."
    customerId: ID
    idempotencyKey: String
  }

  type JoinStandbyPayload {
    entry: StandbyEntry!
    "Lets its holder watch the entry and accept an offer; keep it secret."
    token: String!
  }

  extend type Query {
    "The holder of its token, its customer, or staff and partners of its organization."
    standbyEntry(id: ID!, token: String): StandbyEntry
  }

  extend type Mutation {
    "Anyone, as for bookAppointment. Freed slots of the service on those days are offered in order of joining."
    joinStandby(input: JoinStandbyInput!): JoinStandbyPayload!
    "The holder of the entry's token, its customer, or staff: books the offered slot; SLOT_UNAVAILABLE when someone else was faster or the offer expired."
    acceptStandbyOffer(offerId: ID!, token: String): BookAppointmentPayload!
    "The holder of the entry's token, its customer, or staff: off the list; an open offer lapses."
    leaveStandby(entryId: ID!, token: String): StandbyEntry!
  }
`;
