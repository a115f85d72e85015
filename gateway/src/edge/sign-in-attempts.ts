import { getArgumentValues } from 'graphql/execution/values';
import type { GraphQLSchema, OperationDefinitionNode } from 'graphql';
import { fieldsOf, type Fragments } from './operation-shape';

/**
 * The mutations that test a credential, and where each carries the email address it is for.
 * refreshSession has none: its budget is the caller's address only.
 */
const credentialMutations: Record<string, ((args: Record<string, unknown>) => unknown) | null> = {
  signIn: (args) => args.email,
  signInCustomer: (args) => args.email,
  signUp: (args) => (args.input as { email?: unknown } | undefined)?.email,
  refreshSession: null,
};

export interface SignInAttempt {
  field: string;
  /** Lower-cased and trimmed, so `Ann@X.test ` and `ann@x.test` share a budget. */
  email?: string;
}

/**
 * One attempt per credential-testing root field of a mutation: aliases let one request carry
 * many (`a: signIn(...) b: signIn(...)`), and each counts.
 */
export function signInAttempts(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Fragments,
  variables: Record<string, unknown> = {},
): SignInAttempt[] {
  const mutation = schema.getMutationType();
  if (operation.operation !== 'mutation' || !mutation) return [];
  const attempts: SignInAttempt[] = [];
  for (const node of fieldsOf(operation.selectionSet, fragments)) {
    const field = node.name.value;
    if (!(field in credentialMutations)) continue;
    const emailOf = credentialMutations[field];
    const definition = mutation.getFields()[field];
    let email: unknown;
    try {
      email = emailOf && definition ? emailOf(getArgumentValues(definition, node, variables)) : undefined;
    } catch {
      // Variables of the wrong type: the gateway refuses the request itself, after this budget.
    }
    attempts.push({ field, email: typeof email === 'string' ? email.trim().toLowerCase() : undefined });
  }
  return attempts;
}
