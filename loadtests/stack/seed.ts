import { graphqlOk } from '@waitlessq/testkit';

/** What the mix works on: one organization's business, its queues and the people in line. */
export interface Organization {
  ownerToken: string;
  apiKey: string;
  businessId: string;
  slug: string;
  serviceIds: string[];
  queueIds: string[];
  /** Visits seeded waiting (a few per queue), with their holders' tokens. */
  visits: { id: string; token: string; queueId: string }[];
}

/**
 * An organization set up through the API as its owner would: a business with three services,
 * `queues` queues of two counters, a partner key for the display screens and `perQueue`
 * walk-ins waiting in each line. No webhook endpoint: nothing may leave the machine.
 */
export async function seedOrganization(api: string, options: { queues: number; perQueue: number }): Promise<Organization> {
  const suffix = Math.random().toString(36).slice(2, 8);
  const { signUp } = await graphqlOk<{ signUp: { accessToken: string } }>(api, {
    query: 'mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }',
    variables: { input: { organizationName: `Stack ${suffix}`, name: 'Owner', email: `owner-${suffix}@bench.test`, password: 'a-long-password-1' } },
  });
  const token = signUp.accessToken;
  const { createBusiness } = await graphqlOk<{ createBusiness: { id: string; slug: string } }>(api, {
    token,
    query: 'mutation($input: CreateBusinessInput!) { createBusiness(input: $input) { id slug } }',
    variables: { input: { name: `Stack Clinic ${suffix}`, timezone: 'Europe/Berlin', description: 'Walk in any time.' } },
  });
  const serviceIds: string[] = [];
  for (const [name, durationMinutes] of [
    ['Check-up', 15],
    ['Vaccination', 10],
    ['Consultation', 30],
  ] as const) {
    const { createService } = await graphqlOk<{ createService: { id: string } }>(api, {
      token,
      query: 'mutation($input: CreateServiceInput!) { createService(input: $input) { id } }',
      variables: { input: { businessId: createBusiness.id, name, durationMinutes } },
    });
    serviceIds.push(createService.id);
  }
  const queueIds: string[] = [];
  for (let i = 0; i < options.queues; i += 1) {
    const { createQueue } = await graphqlOk<{ createQueue: { id: string } }>(api, {
      token,
      query: 'mutation($input: CreateQueueInput!) { createQueue(input: $input) { id } }',
      variables: { input: { businessId: createBusiness.id, name: `Desk ${i + 1}`, countersOpen: 2, serviceIds } },
    });
    queueIds.push(createQueue.id);
  }
  const { createApiKey } = await graphqlOk<{ createApiKey: { key: string } }>(api, {
    token,
    query: 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }',
    variables: { input: { name: 'Waiting-room screens' } },
  });
  const visits: Organization['visits'] = [];
  for (const queueId of queueIds) {
    for (let i = 0; i < options.perQueue; i += 1) {
      const { joinQueue } = await graphqlOk<{ joinQueue: { visitToken: string; visit: { id: string } } }>(api, {
        query: 'mutation($input: JoinQueueInput!) { joinQueue(input: $input) { visitToken visit { id } } }',
        variables: { input: { queueId, name: `Seeded ${i}` } },
      });
      visits.push({ id: joinQueue.visit.id, token: joinQueue.visitToken, queueId });
    }
  }
  return { ownerToken: token, apiKey: createApiKey.key, businessId: createBusiness.id, slug: createBusiness.slug, serviceIds, queueIds, visits };
}
