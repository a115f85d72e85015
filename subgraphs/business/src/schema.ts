import gql from 'graphql-tag';
import type { DocumentNode } from 'graphql';
import { availabilityTypeDefs } from './availability/schema';
import { bookingPolicyTypeDefs } from './booking-policy/schema';
import { businessTypeDefs } from './businesses/schema';
import { openingHoursTypeDefs } from './opening-hours/schema';
import { organizationTypeDefs } from './organizations/schema';
import { serviceTypeDefs } from './services/schema';

const baseTypeDefs = gql`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@inaccessible", "@external", "@requires"])

  "An ISO-8601 timestamp in UTC."
  scalar DateTime

  "Any JSON value (internal: carries Business.bookingSchedule between subgraphs)."
  scalar JSON @inaccessible

  type Query
  type Mutation
`;

/** The business subgraph's SDL (the compose script imports it). */
export const typeDefs: DocumentNode = {
  kind: baseTypeDefs.kind,
  definitions: [
    baseTypeDefs,
    organizationTypeDefs,
    businessTypeDefs,
    serviceTypeDefs,
    openingHoursTypeDefs,
    bookingPolicyTypeDefs,
    availabilityTypeDefs,
  ].flatMap((document) => document.definitions),
};
