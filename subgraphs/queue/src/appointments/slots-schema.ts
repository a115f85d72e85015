import gql from 'graphql-tag';

// Business.availableSlots and Business.bookingSchedule are declared on the Business entity in
// queues/schema.ts (one `type Business` per subgraph); slots-resolver.ts resolves them.
export const slotTypeDefs = gql`
  "A bookable start time of a service, with the spots it has left (full slots are not listed)."
  type Slot {
    startsAt: DateTime!
    "startsAt plus the service's duration (buffers are not included)."
    endsAt: DateTime!
    "How many more appointments fit at this time: spots per slot minus the appointments that overlap it, capped by what is left of the day's limit."
    spotsLeft: Int!
  }
`;
