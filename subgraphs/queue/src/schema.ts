import gql from 'graphql-tag';
import type { DocumentNode } from 'graphql';
import { slotTypeDefs } from './appointments/slots-schema';
import { appointmentTypeDefs, standbyTypeDefs } from './appointments/schema';
import { auditTypeDefs } from './audit/schema';
import { eventTypeDefs } from './events/schema';
import { insightsTypeDefs } from './insights/schema';
import { notificationTypeDefs } from './notifications/schema';
import { privacyTypeDefs } from './privacy/schema';
import { queueTypeDefs } from './queues/schema';
import { visitTypeDefs } from './visits/schema';

const base = gql`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@inaccessible", "@external", "@requires"])

  "An instant, as an ISO-8601 string in UTC."
  scalar DateTime

  "Any JSON value (internal: Business.bookingSchedule arrives from the business subgraph as one; not in the public API)."
  scalar JSON @inaccessible
`;

/** The queue subgraph's SDL (the compose script imports it). */
export const typeDefs: DocumentNode = {
  kind: base.kind,
  definitions: [
    ...base.definitions,
    ...queueTypeDefs.definitions,
    ...visitTypeDefs.definitions,
    ...eventTypeDefs.definitions,
    ...slotTypeDefs.definitions,
    ...appointmentTypeDefs.definitions,
    ...standbyTypeDefs.definitions,
    ...insightsTypeDefs.definitions,
    ...notificationTypeDefs.definitions,
    ...auditTypeDefs.definitions,
    ...privacyTypeDefs.definitions,
  ],
};
