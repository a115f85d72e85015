import { buildSchema, parse, type OperationDefinitionNode } from 'graphql';
import type { OperationLimits } from '@waitlessq/config';
import { operationCost } from './cost';
import { operationLimitRefusal, useOperationLimits } from './operation-limits';
import { fragmentsOf } from './operation-shape';
import { countTokens } from './token-limit';

const schema = buildSchema(`
  type Query { queue(id: ID!): Queue queues: [Queue!]! me: User }
  type Mutation { callNext(queueId: ID!): Visit }
  type Queue { id: ID! name: String! waiting(first: Int = 50): [Visit!]! business: Business! }
  type Visit { id: ID! ticket: String queue: Queue! customer: Customer }
  type Customer { id: ID! name: String! visits(first: Int = 20): [Visit!]! }
  type Business { id: ID! queues: [Queue!]! }
  type User { id: ID! }
`);

const limits: OperationLimits = { maxDepth: 6, maxCost: 1_000, maxAliases: 3, maxRootFields: 3, maxTokens: 200, defaultListSize: 20 };

function check(query: string, variables?: Record<string, unknown>, overrides: Partial<OperationLimits> = {}) {
  const document = parse(query);
  const operation = document.definitions[0] as OperationDefinitionNode;
  const error = operationLimitRefusal({ schema, document, operation, variables }, { ...limits, ...overrides });
  return error && { code: error.extensions.code, message: error.message, status: (error.extensions.http as { status: number }).status };
}

function cost(query: string, variables?: Record<string, unknown>) {
  const document = parse(query);
  const operation = document.definitions.find((d) => d.kind === 'OperationDefinition') as OperationDefinitionNode;
  return operationCost({ schema, operation, fragments: fragmentsOf(document), variables, defaultListSize: 20 });
}

describe('operationCost', () => {
  it('counts one per object, scalars free', () => {
    expect(cost('{ queue(id: "q") { id name business { id } } }')).toBe(2);
  });

  it('multiplies what a list selects by its page size: argument, variable, schema default', () => {
    expect(cost('{ queue(id: "q") { waiting(first: 5) { id customer { name } } } }')).toBe(1 + 5 * 2);
    expect(cost('query($n: Int) { queue(id: "q") { waiting(first: $n) { id } } }', { n: 7 })).toBe(1 + 7);
    expect(cost('query($n: Int = 3) { queue(id: "q") { waiting(first: $n) { id } } }')).toBe(1 + 3);
    expect(cost('{ queue(id: "q") { waiting { id } } }')).toBe(1 + 50);
  });

  it('weighs a list without a page size by the default size', () => {
    expect(cost('{ queues { id } }')).toBe(20);
  });

  it('follows fragments and inline fragments', () => {
    expect(cost('{ queue(id: "q") { ...Q } } fragment Q on Queue { waiting(first: 2) { ... on Visit { customer { id } } } }')).toBe(1 + 2 * 2);
  });

  it('grows multiplicatively with nested lists', () => {
    expect(cost('{ queues { waiting(first: 100) { customer { visits(first: 100) { id } } } } }')).toBe(20 * (1 + 100 * (1 + 1 * (1 + 100))));
  });
});

describe('operationLimitRefusal', () => {
  it('lets an operation within every limit through', () => {
    expect(check('query Line($id: ID!) { queue(id: $id) { id waiting(first: 10) { id ticket } } }', { id: 'q' })).toBeUndefined();
  });

  it('refuses too many root fields, through fragments too', () => {
    expect(check('{ a: me { id } b: me { id } ...R } fragment R on Query { me { id } queues { id } }')).toMatchObject({
      code: 'TOO_MANY_ROOT_FIELDS',
      message: expect.stringContaining('limit is 3 (MAX_ROOT_FIELDS)'),
      status: 400,
    });
  });

  it('refuses too many aliases', () => {
    const query = `{ queue(id: "q") { ${Array.from({ length: 4 }, (_, i) => `a${i}: id`).join(' ')} } }`;
    expect(check(query)).toMatchObject({ code: 'TOO_MANY_ALIASES', message: 'The document uses 4 aliases; the limit is 3 (MAX_ALIASES).' });
  });

  it('refuses a query nested deeper than the limit (graphql-depth-limit)', () => {
    const deep = `{ queue(id: "q") { ${'business { queues { '.repeat(3)}id${' } }'.repeat(3)} } }`;
    expect(check(deep)).toMatchObject({ code: 'QUERY_TOO_DEEP', message: expect.stringContaining('more than 6 levels deep') });
    expect(check(deep, undefined, { maxDepth: 0 })?.code).not.toBe('QUERY_TOO_DEEP');
  });

  it('refuses a cost bomb of nested lists, naming its estimate and the limit', () => {
    const bomb = '{ queues { waiting(first: 100) { customer { visits(first: 100) { id } } } } }';
    expect(check(bomb)).toMatchObject({ code: 'QUERY_TOO_COMPLEX', message: expect.stringMatching(/up to 204020 objects.*limit is 1000 \(MAX_QUERY_COST\)/) });
  });

  it('prices a page size sent as a variable', () => {
    const query = 'query($n: Int) { queue(id: "q") { waiting(first: $n) { id } } }';
    expect(check(query, { n: 10 })).toBeUndefined();
    expect(check(query, { n: 5_000 })?.code).toBe('QUERY_TOO_COMPLEX');
  });
});

describe('countTokens', () => {
  it('counts lexical tokens, comments excluded', () => {
    expect(countTokens('{ a b(x: 1) } # comment', 100)).toBe(9);
  });

  it('stops one past the limit, however long the document', () => {
    expect(countTokens(`{ ${'a '.repeat(100_000)}}`, 10)).toBe(11);
  });
});

describe('useOperationLimits on a document Apollo keeps', () => {
  const hooksOf = async (plugin: ReturnType<typeof useOperationLimits>) =>
    (await plugin.requestDidStart!({} as never)) as { didResolveOperation(input: unknown): Promise<void> };

  it('checks the shape once per document but the cost with each request’s variables', async () => {
    const plugin = useOperationLimits(limits);
    const document = parse('query($n: Int) { queue(id: "q") { waiting(first: $n) { id } } }');
    const operation = document.definitions[0] as OperationDefinitionNode;
    const run = async (variables: Record<string, unknown>) =>
      (await hooksOf(plugin)).didResolveOperation({ schema, document, operation, request: { variables } });
    await expect(run({ n: 5 })).resolves.toBeUndefined();
    await expect(run({ n: 5 })).resolves.toBeUndefined();
    await expect(run({ n: 5_000 })).rejects.toMatchObject({ extensions: { code: 'QUERY_TOO_COMPLEX' } });
  });

  it('refuses a document over a shape limit every time it is sent', async () => {
    const plugin = useOperationLimits(limits);
    const document = parse('{ a: me { id } b: me { id } c: me { id } d: me { id } }');
    const operation = document.definitions[0] as OperationDefinitionNode;
    for (let i = 0; i < 2; i++) {
      await expect((await hooksOf(plugin)).didResolveOperation({ schema, document, operation, request: {} })).rejects.toMatchObject({
        extensions: { code: 'TOO_MANY_ROOT_FIELDS' },
      });
    }
  });
});
