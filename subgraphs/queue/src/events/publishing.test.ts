import { Kind, type ObjectTypeDefinitionNode, type ObjectTypeExtensionNode } from 'graphql';
import { typeDefs } from '../schema';
import { publishedMutations, publishingChanges, unpublishedMutations } from './publishing';

describe('publishing changes', () => {
  it('knows the queues every mutation of the schema changes, or that it changes none', () => {
    const mutations = typeDefs.definitions
      .filter(
        (definition): definition is ObjectTypeDefinitionNode | ObjectTypeExtensionNode =>
          (definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.OBJECT_TYPE_EXTENSION) && definition.name.value === 'Mutation',
      )
      .flatMap((definition) => definition.fields?.map((field) => field.name.value) ?? []);
    expect(mutations.length).toBeGreaterThan(5);
    expect(mutations.filter((name) => !(name in publishedMutations) && !unpublishedMutations.includes(name))).toEqual([]);
  });

  it('relays after the mutation resolved, and not when it failed or changed nothing', async () => {
    const published: unknown[] = [];
    const publisher = { relay: async (queueId: string) => void published.push(queueId) };
    const visit = { id: 'v1', queueId: 'q1' };
    const wrapped = publishingChanges(publisher, {
      callNext: async () => visit,
      startServing: async () => {
        throw new Error('refused');
      },
      createQueue: async () => ({ id: 'q2' }),
    });
    await expect(wrapped.callNext()).resolves.toBe(visit);
    await expect(wrapped.startServing()).rejects.toThrow('refused');
    await wrapped.createQueue();
    const nobody = publishingChanges(publisher, { callNext: async () => null });
    await nobody.callNext();
    expect(published).toEqual(['q1']);
  });

  it('answers once the relay is done, or after the wait bound when a backlog holds it up; the relay goes on', async () => {
    let finish: () => void = () => undefined;
    const stuck = new Promise<void>((resolve) => (finish = resolve));
    const relayed: string[] = [];
    const publisher = { relay: async (queueId: string) => void (await stuck, relayed.push(queueId)) };
    const visit = { id: 'v1', queueId: 'q1' };
    const wrapped = publishingChanges(publisher, { callNext: async () => visit }, 50);
    const started = Date.now();
    await expect(wrapped.callNext()).resolves.toBe(visit);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(relayed).toEqual([]);
    finish();
    await stuck;
    await new Promise((resolve) => setImmediate(resolve));
    expect(relayed).toEqual(['q1']);

    // A relay done within the bound is waited for: the answer comes after it, not after the bound.
    const slowRelay = { relay: async (queueId: string) => void (await new Promise((resolve) => setTimeout(resolve, 30)), relayed.push(queueId)) };
    const quick = publishingChanges(slowRelay, { callNext: async () => visit }, 60_000);
    await quick.callNext();
    expect(relayed).toEqual(['q1', 'q1']);
  });
});
