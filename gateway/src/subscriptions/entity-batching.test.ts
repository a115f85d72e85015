import type { GraphQLDataSource } from '@apollo/gateway';
import { batchEntityFetches } from './entity-batching';

type Options = Parameters<GraphQLDataSource['process']>[0];

const query = 'query($representations:[_Any!]!){_entities(representations:$representations){...on Business{name}}}';
const fetchOf = (ids: string[], caller = 'anonymous') =>
  ({ request: { query, variables: { representations: ids.map((id) => ({ __typename: 'Business', id })) } }, context: { caller } }) as unknown as Options;

describe('batchEntityFetches', () => {
  it("sends one request for a turn's fetches of one caller, each representation once, and gives each fetch its own entities", async () => {
    const sent: unknown[][] = [];
    const source: GraphQLDataSource = {
      process: async ({ request }) => {
        const representations = request.variables!.representations as { id: string }[];
        sent.push(representations.map((r) => r.id));
        return {
          data: { _entities: representations.map((r) => (r.id === 'gone' ? null : { name: `Business ${r.id}` })) },
          errors: representations.flatMap((r, i) => (r.id === 'gone' ? [{ message: 'not found', path: ['_entities', i, 'name'] }] : [])),
        };
      },
    };
    const batched = batchEntityFetches(source, (options) => (options.context as { caller: string }).caller);
    const [a, b, c, other] = await Promise.all([
      batched.process(fetchOf(['1', '2'])),
      batched.process(fetchOf(['2', 'gone'])),
      batched.process(fetchOf(['1'])),
      batched.process(fetchOf(['1'], 'staff')),
    ]);
    expect(sent).toEqual([['1', '2', 'gone'], ['1']]);
    expect(a).toEqual({ data: { _entities: [{ name: 'Business 1' }, { name: 'Business 2' }] }, errors: undefined });
    expect(b).toEqual({ data: { _entities: [{ name: 'Business 2' }, null] }, errors: [{ message: 'not found', path: ['_entities', 1, 'name'] }] });
    expect(c.data).toEqual({ _entities: [{ name: 'Business 1' }] });
    expect(other.data).toEqual({ _entities: [{ name: 'Business 1' }] });
    // Each fetch's entities are its own objects: merging into one result cannot touch another.
    expect((a.data as { _entities: object[] })._entities[0]).not.toBe((c.data as { _entities: object[] })._entities[0]);
  });

  it('passes other requests through, and fails every fetch of a batch that failed', async () => {
    const source: GraphQLDataSource = { process: async () => Promise.reject(new Error('down')) };
    const batched = batchEntityFetches(source, () => 'one');
    const results = await Promise.allSettled([batched.process(fetchOf(['1'])), batched.process(fetchOf(['2']))]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    const plain = batchEntityFetches({ process: async () => ({ data: { me: null } }) }, () => 'one');
    await expect(plain.process({ request: { query: '{ me { id } }' } } as unknown as Options)).resolves.toEqual({ data: { me: null } });
  });
});
