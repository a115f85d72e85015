import gql from 'graphql-tag';

export const staffTypeDefs = gql`
  "A staff account. It belongs to exactly one organization."
  type User @key(fields: "id") {
    id: ID!
    email: String!
    name: String!
    role: Role!
    createdAt: DateTime!
    organization: Organization!
  }

  type Business @key(fields: "id") {
    id: ID!
    "The staff of the organization the caller belongs to; empty for anyone but staff."
    staff: [User!]!
  }

  type Invitation {
    id: ID!
    email: String!
    role: Role!
    expiresAt: DateTime!
  }

  type InvitationPayload {
    invitation: Invitation!
    """
    The invitation's token. It is emailed to the invitee; this field carries it too outside
    production (development and tests), and is always null in production.
    """
    token: String
  }

  input InviteStaffInput {
    email: String!
    "OWNER and ADMIN may invite ADMIN, MANAGER, STAFF and VIEWER; MANAGER may invite STAFF and VIEWER."
    role: Role!
    idempotencyKey: String
  }

  input AcceptInvitationInput {
    token: String!
    name: String!
    "At least 10 characters."
    password: String!
  }

  type Query {
    "The signed-in staff account; null for anyone else."
    me: User
  }

  type Mutation {
    inviteStaff(input: InviteStaffInput!): InvitationPayload!
    "Creates the invited staff account and signs it in."
    acceptInvitation(input: AcceptInvitationInput!): AuthPayload!
  }
`;
