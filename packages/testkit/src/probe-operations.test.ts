import { buildSchema, parse, validate } from 'graphql';
import { loadApiSchema } from './api-schema';
import { buildProbe, idTakingFields, type IdSlot } from './probe-operations';

const schema = buildSchema(/* GraphQL */ `
  type Queue {
    id: ID!
    name: String!
    business: Business!
    visits(first: Int = 5): [Visit!]!
    history(since: String!): [String!]!
  }
  type Business {
    id: ID!
    name: String!
    queues: [Queue!]!
  }
  type Visit {
    id: ID!
    ticket: String
  }
  input Inner {
    customerId: ID
    note: String
  }
  input JoinInput {
    queueId: ID!
    serviceIds: [ID!]
    name: String
    partySize: Int!
    inner: Inner!
    comment: String
  }
  type Query {
    queue(id: ID!): Queue
    plain(text: String): String
  }
  type Mutation {
    join(input: JoinInput!, dryRun: Boolean): Visit
    ping: Boolean
  }
`);

describe('generated probes', () => {
  it('finds every ID argument, in inputs at any depth, and names the type it refers to', () => {
    expect(idTakingFields(schema)).toEqual([
      { operation: 'query', name: 'queue', coordinate: 'Query.queue', slots: [{ path: ['id'], target: 'Queue', list: false }] },
      {
        operation: 'mutation',
        name: 'join',
        coordinate: 'Mutation.join',
        slots: [
          { path: ['input', 'queueId'], target: 'Queue', list: false },
          { path: ['input', 'serviceIds'], target: 'Service', list: true },
          { path: ['input', 'inner', 'customerId'], target: 'Customer', list: false },
        ],
      },
    ]);
  });

  it('names the object an id refers to through a payload, or by the field name when the answer is a scalar', () => {
    const payloads = buildSchema(/* GraphQL */ `
      type Hook {
        id: ID!
        url: String!
      }
      type HookPayload {
        secret: String!
        hook: Hook!
      }
      type Query {
        hooks: [Hook!]!
      }
      type Mutation {
        rotateHookSecret(id: ID!): HookPayload!
        deleteHook(id: ID!): ID!
        enableHook(id: ID!): Hook!
      }
    `);
    expect(idTakingFields(payloads).map((field) => [field.name, field.slots[0].target])).toEqual([
      ['rotateHookSecret', 'Hook'],
      ['deleteHook', 'Hook'],
      ['enableHook', 'Hook'],
    ]);
  });

  it('sends the ids, the required arguments and optional names; selects leaves two levels deep', () => {
    const [queue, join] = idTakingFields(schema).map((field) => buildProbe(schema, field));
    expect(queue.query).toBe('query Probe_queue($id: ID!) { queue(id: $id) { id name business { id name } visits { id ticket } } }');
    const ids = (slot: IdSlot) => `${slot.target}-1`;
    expect(join.variables(ids)).toEqual({
      input: { queueId: 'Queue-1', serviceIds: ['Service-1'], name: 'Probe', partySize: 1, inner: { customerId: 'Customer-1' } },
    });
    expect(validate(schema, parse(join.query))).toEqual([]);
  });

  it('builds a valid operation for every field of the committed supergraph', () => {
    const api = loadApiSchema();
    const probes = idTakingFields(api).map((field) => buildProbe(api, field));
    expect(probes.length).toBeGreaterThan(10);
    for (const probe of probes)
      expect({ field: probe.field.coordinate, errors: validate(api, parse(probe.query)) }).toEqual({ field: probe.field.coordinate, errors: [] });
  });
});
