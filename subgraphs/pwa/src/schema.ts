import gql from 'graphql-tag';
import type { DocumentNode } from 'graphql';
import { buildTypeDefs } from './builds/schema';
import { configTypeDefs } from './config/schema';
import { joinTypeDefs } from './join/schema';
import { pushTypeDefs } from './push/schema';
import { privacyTypeDefs } from './privacy/schema';

const baseTypeDefs = gql`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@inaccessible", "@external", "@requires"])

  "An ISO-8601 timestamp in UTC."
  scalar DateTime

  type Mutation
`;

/** The pwa subgraph's SDL (the compose script imports it). */
export const typeDefs: DocumentNode = {
  kind: baseTypeDefs.kind,
  definitions: [baseTypeDefs, configTypeDefs, buildTypeDefs, joinTypeDefs, pushTypeDefs, privacyTypeDefs].flatMap((document) => document.definitions),
};
