import gql from 'graphql-tag';

export const authTypeDefs = gql`
  """
  The answer of every sign-in path. Staff get \`user\`, customers get \`customer\`.
  Send the access token as a Bearer token; exchange the refresh token (once) for a new pair.
  """
  type AuthPayload {
    accessToken: String!
    refreshToken: String!
    "Seconds until the access token expires."
    expiresIn: Int!
    user: User
    customer: Customer
  }

  input SignUpInput {
    organizationName: String!
    "Lower-case letters, digits and hyphens; derived from the organization name when absent."
    organizationSlug: String
    name: String!
    email: String!
    "At least 10 characters."
    password: String!
    idempotencyKey: String
  }

  extend type Mutation {
    "Creates an organization and its OWNER, and signs the owner in."
    signUp(input: SignUpInput!): AuthPayload!
    signIn(email: String!, password: String!): AuthPayload!
    "Exchanges a refresh token for a new pair. Each refresh token works once."
    refreshSession(refreshToken: String!): AuthPayload!
    "Ends the session of this refresh token (and of the tokens it was rotated from or into)."
    signOut(refreshToken: String!): Boolean!
  }
`;
