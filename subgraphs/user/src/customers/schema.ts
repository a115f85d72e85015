import gql from 'graphql-tag';

export const customerTypeDefs = gql`
  "An end customer of an organization: added by staff or self-registered in a business's app."
  type Customer @key(fields: "id") {
    id: ID!
    name: String!
    email: String
    phone: String
    createdAt: DateTime!
  }

  input CreateCustomerInput {
    name: String!
    email: String
    phone: String
    idempotencyKey: String
  }

  input RegisterCustomerInput {
    organizationId: ID!
    name: String!
    email: String!
    "At least 10 characters."
    password: String!
    phone: String
  }

  extend type Query {
    "A customer of the caller's organization (staff only)."
    customer(id: ID!): Customer
    "Customers of the caller's organization, newest first (staff only). first: 1 to 200."
    customers(first: Int = 50, search: String): [Customer!]!
    "The signed-in customer; null for anyone else."
    meCustomer: Customer
  }

  extend type Mutation {
    "Adds a customer to the caller's organization (STAFF or higher)."
    createCustomer(input: CreateCustomerInput!): Customer!
    "Creates a customer account (from a business's app) and signs it in."
    registerCustomer(input: RegisterCustomerInput!): AuthPayload!
    signInCustomer(organizationId: ID!, email: String!, password: String!): AuthPayload!
  }
`;
