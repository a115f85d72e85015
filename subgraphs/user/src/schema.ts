import gql from 'graphql-tag';
import { Kind, type DocumentNode } from 'graphql';
import { apiKeyTypeDefs } from './api-keys/schema';
import { auditTypeDefs } from './audit/schema';
import { authTypeDefs } from './auth/schema';
import { customerTypeDefs } from './customers/schema';
import { notificationPreferenceTypeDefs } from './notification-preferences/schema';
import { privacyTypeDefs } from './privacy/schema';
import { staffTypeDefs } from './staff/schema';
import { webhookTypeDefs } from './webhooks/schema';

const baseTypeDefs = gql`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@inaccessible", "@external", "@requires"])

  scalar DateTime

  "Staff roles, most powerful first."
  enum Role {
    OWNER
    ADMIN
    MANAGER
    STAFF
    VIEWER
  }

  # The tenant, owned by the business subgraph; only its key is known here.
  type Organization @key(fields: "id", resolvable: false) {
    id: ID!
  }
`;

/** The user subgraph's SDL, one document (the compose script imports it). */
export const typeDefs: DocumentNode = {
  kind: Kind.DOCUMENT,
  definitions: [
    baseTypeDefs,
    staffTypeDefs,
    authTypeDefs,
    customerTypeDefs,
    apiKeyTypeDefs,
    webhookTypeDefs,
    notificationPreferenceTypeDefs,
    auditTypeDefs,
    privacyTypeDefs,
  ].flatMap((doc) => doc.definitions),
};
