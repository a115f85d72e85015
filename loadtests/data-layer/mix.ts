/**
 * The read-heavy mix (90 % reads): what PWAs, display screens, waiting customers and the staff
 * dashboard send most, and walk-ins joining.
 */

export interface Seed {
  ownerToken: string;
  slug: string;
  queueIds: string[];
  /** Visits whose holders poll them (grows as the run's joins add theirs). */
  visits: { id: string; token: string }[];
}

export interface Operation {
  name: string;
  weight: number;
  kind: 'read' | 'write';
  request(seed: Seed): { query: string; variables: Record<string, unknown>; token?: string };
  /** What a successful answer teaches the mix (a join's visit, to poll later). */
  learn?(seed: Seed, data: Record<string, unknown>): void;
}

import { pickWeighted } from '../stats';

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];

export const mix: Operation[] = [
  {
    name: 'PwaBusiness',
    weight: 30,
    kind: 'read',
    request: (seed) => ({
      query: 'query PwaBusiness($slug: String) { business(slug: $slug) { id name description services { id name durationMinutes priceCents } } }',
      variables: { slug: seed.slug },
    }),
  },
  {
    name: 'DisplayScreen',
    weight: 25,
    kind: 'read',
    request: (seed) => ({
      query: 'query DisplayScreen($id: ID!) { queue(id: $id) { name status waitingCount nextTickets(first: 5) } }',
      variables: { id: pick(seed.queueIds) },
      token: seed.ownerToken,
    }),
  },
  {
    name: 'MyVisit',
    weight: 20,
    kind: 'read',
    request: (seed) => {
      const visit = pick(seed.visits);
      return {
        query:
          'query MyVisit($id: ID!, $token: String) { visit(id: $id, visitToken: $token) { ticket status position estimatedWaitMinutes queue { name status waitingCount } } }',
        variables: { id: visit.id, token: visit.token },
      };
    },
  },
  {
    name: 'StaffLine',
    weight: 15,
    kind: 'read',
    request: (seed) => ({
      query: 'query StaffLine($id: ID!) { queue(id: $id) { waitingCount waiting(first: 20) { ticket position customerName service { name } } } }',
      variables: { id: pick(seed.queueIds) },
      token: seed.ownerToken,
    }),
  },
  {
    name: 'JoinQueue',
    weight: 10,
    kind: 'write',
    request: (seed) => ({
      query: 'mutation JoinQueue($input: JoinQueueInput!) { joinQueue(input: $input) { visitToken visit { id ticket position } } }',
      variables: { input: { queueId: pick(seed.queueIds), name: 'Bench walk-in' } },
    }),
    learn: (seed, data) => {
      const joined = data.joinQueue as { visitToken: string; visit: { id: string } };
      seed.visits.push({ id: joined.visit.id, token: joined.visitToken });
    },
  },
];

/** One operation at random, by weight. */
export function chooseOperation(operations: readonly Operation[] = mix): Operation {
  return pickWeighted(operations);
}
