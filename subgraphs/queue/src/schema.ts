import gql from 'graphql-tag';
import type { DocumentNode } from 'graphql';
import { eventTypeDefs } from './events/schema';
import { queueTypeDefs } from './queues/schema';
import { visitTypeDefs } from './visits/schema';

const base = gql`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@inaccessible", "@external", "@requires"])

  "An instant, as an ISO-8601 string in UTC."
  scalar DateTime
`;

/** The queue subgraph's SDL (the compose script imports it). */
export const typeDefs: DocumentNode = {
  kind: base.kind,
  definitions: [...base.definitions, ...queueTypeDefs.definitions, ...visitTypeDefs.definitions, ...eventTypeDefs.definitions],
};
