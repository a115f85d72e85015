import { buildSchema, parse, type OperationDefinitionNode } from 'graphql';
import { fragmentsOf } from './operation-shape';
import { signInAttempts } from './sign-in-attempts';

const schema = buildSchema(`
  type Query { me: String }
  input SignUpInput { email: String! password: String! }
  type Mutation {
    signIn(email: String!, password: String!): String
    signInCustomer(organizationId: ID!, email: String!, password: String!): String
    signUp(input: SignUpInput!): String
    refreshSession(refreshToken: String!): String
    signOut(refreshToken: String!): Boolean
  }
`);

function attempts(query: string, variables?: Record<string, unknown>) {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
  return signInAttempts(schema, operation, fragmentsOf(document), variables);
}

describe('signInAttempts', () => {
  it('finds the email of each credential mutation, from literals and variables', () => {
    expect(attempts('mutation($e: String!) { signIn(email: $e, password: "p") }', { e: ' Ann@Example.TEST ' })).toEqual([
      { field: 'signIn', email: 'ann@example.test' },
    ]);
    expect(attempts('mutation { signInCustomer(organizationId: "o", email: "c@x.test", password: "p") }')).toEqual([
      { field: 'signInCustomer', email: 'c@x.test' },
    ]);
    expect(attempts('mutation($i: SignUpInput!) { signUp(input: $i) }', { i: { email: 'new@x.test', password: 'p' } })).toEqual([
      { field: 'signUp', email: 'new@x.test' },
    ]);
    expect(attempts('mutation { refreshSession(refreshToken: "t") }')).toEqual([{ field: 'refreshSession', email: undefined }]);
  });

  it('counts every aliased attempt, through fragments too', () => {
    const query = 'mutation { a: signIn(email: "x@y", password: "1") ...More } fragment More on Mutation { b: signIn(email: "x@y", password: "2") }';
    expect(attempts(query)).toHaveLength(2);
  });

  it('ignores queries and other mutations', () => {
    expect(attempts('{ me }')).toEqual([]);
    expect(attempts('mutation { signOut(refreshToken: "t") }')).toEqual([]);
  });
});
