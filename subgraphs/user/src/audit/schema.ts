import gql from 'graphql-tag';

export const auditTypeDefs = gql`
  "Facts of an audited change (ids, old and new values, never personal data), as a JSON object."
  scalar AuditDetail

  """
  One thing done in an organization: an administrative change (roles, invitations, API keys,
  webhooks, settings, services, publishing) or a staff action on a visit (call, no-show,
  recall, transfer, cancel...). Entries cannot be changed through the API.
  """
  type AuditEntry {
    id: ID!
    "The user, API key or customer who did it; null for the system."
    actorId: ID
    "STAFF, PARTNER, CUSTOMER or SYSTEM."
    actorKind: String!
    "What was done, as target.verb: staff.invited, api_key.created, webhook.deleted, settings.updated, visit.called..."
    action: String!
    "ApiKey, WebhookEndpoint, Invitation, User, Business, Service, Visit..."
    targetType: String!
    targetId: ID
    detail: AuditDetail
    "The request that made the change (x-request-id)."
    requestId: String
    at: DateTime!
  }

  extend type Query {
    """
    OWNER and ADMIN: what was done in the organization from \`from\` (inclusive) to \`to\`
    (exclusive, at most 366 days later), newest first; optionally only one actor's or one
    action's entries. first: 1 to 500.
    """
    auditLog(from: DateTime!, to: DateTime!, actorId: ID, action: String, first: Int = 100): [AuditEntry!]!
  }
`;
