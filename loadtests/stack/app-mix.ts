/**
 * A realistic mix of the customer app's and the staff's operations: the trusted documents of
 * schema/operations/ sent by their id (as apps/customer does, `extensions.persistedQuery`),
 * with the credentials each caller has. About 80 % reads (the business page joins the business
 * and queue subgraphs, a visit holder polling their place, the staff's line, display screens
 * by partner key) and 20 % writes (walk-ins joining, staff calling, serving and completing,
 * now and then a cancel). Calls keep up with joins, so lines stay short over a long run.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pickWeighted } from '../stats';
import type { Organization } from './seed';

interface Visit {
  id: string;
  token: string;
  queueId: string;
}

/** What the mix knows of the lines: who waits (to poll or cancel), who was called, who is served. */
export interface MixState {
  org: Organization;
  waiting: Visit[];
  called: string[];
  serving: string[];
  /** Told of every visit a join made (the live subscribers pick some). */
  onJoined?: (visit: Visit) => void;
}

export interface MixRequest {
  name: string;
  kind: 'read' | 'write';
  body: string;
  headers: Record<string, string>;
  /** What a successful answer teaches the mix. */
  learn?: (data: Record<string, unknown>) => void;
}

interface MixOperation {
  name: string;
  weight: number;
  kind: 'read' | 'write';
  /** Null when the state offers nothing to do it on (then another operation is drawn). */
  build(state: MixState): { variables: Record<string, unknown>; auth: 'none' | 'staff' | 'partner'; learn?: MixRequest['learn'] } | null;
}

const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../../schema/operations/manifest.json'), 'utf8')) as {
  operations: { id: string; name: string }[];
};
/** The manifest id of a trusted document; throws for a name the manifest lacks. */
export function operationId(name: string): string {
  const id = manifest.operations.find((operation) => operation.name === name)?.id;
  if (!id) throw new Error(`No trusted document ${name} in schema/operations/manifest.json (npm run operations).`);
  return id;
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];
const take = <T>(items: T[], index: number): T => items.splice(index, 1)[0];

const operations: MixOperation[] = [
  { name: 'PwaBusinessPage', weight: 20, kind: 'read', build: (s) => ({ variables: { id: s.org.businessId }, auth: 'none' }) },
  { name: 'PwaBusinessBySlug', weight: 5, kind: 'read', build: (s) => ({ variables: { slug: s.org.slug }, auth: 'none' }) },
  {
    name: 'PwaVisitByToken',
    weight: 25,
    kind: 'read',
    build: (s) => {
      if (s.waiting.length === 0) return null;
      const visit = pick(s.waiting);
      return { variables: { id: visit.id, visitToken: visit.token }, auth: 'none' };
    },
  },
  { name: 'DisplayQueueSummary', weight: 10, kind: 'read', build: (s) => ({ variables: { queueId: pick(s.org.queueIds) }, auth: 'partner' }) },
  { name: 'DashboardQueueLine', weight: 12, kind: 'read', build: (s) => ({ variables: { queueId: pick(s.org.queueIds) }, auth: 'staff' }) },
  { name: 'DashboardBusinessQueues', weight: 5, kind: 'read', build: (s) => ({ variables: { businessId: s.org.businessId }, auth: 'staff' }) },
  {
    name: 'PwaJoinQueue',
    weight: 6,
    kind: 'write',
    build: (s) => {
      const queueId = pick(s.org.queueIds);
      return {
        variables: { input: { queueId, serviceId: pick(s.org.serviceIds), name: 'Stack walk-in' } },
        auth: 'none',
        learn: (data) => {
          const joined = data.joinQueue as { visitToken: string; visit: { id: string } };
          const visit = { id: joined.visit.id, token: joined.visitToken, queueId };
          s.waiting.push(visit);
          s.onJoined?.(visit);
        },
      };
    },
  },
  {
    name: 'DashboardCallNext',
    weight: 6,
    kind: 'write',
    build: (s) => ({
      variables: { queueId: pick(s.org.queueIds) },
      auth: 'staff',
      learn: (data) => {
        const called = data.callNext as { id: string } | null;
        if (!called) return;
        const index = s.waiting.findIndex((visit) => visit.id === called.id);
        if (index >= 0) take(s.waiting, index);
        s.called.push(called.id);
      },
    }),
  },
  {
    name: 'DashboardStartServing',
    weight: 4,
    kind: 'write',
    // Taken when sent, so that no two requests act on one visit.
    build: (s) =>
      s.called.length === 0
        ? null
        : { variables: { visitId: take(s.called, 0) }, auth: 'staff', learn: (data) => void s.serving.push((data.startServing as { id: string }).id) },
  },
  {
    name: 'DashboardCompleteVisit',
    weight: 4,
    kind: 'write',
    build: (s) => (s.serving.length === 0 ? null : { variables: { visitId: take(s.serving, 0) }, auth: 'staff' }),
  },
  {
    name: 'PwaCancelVisit',
    weight: 1,
    kind: 'write',
    // The newest in a line of several: far from the head that callNext takes.
    build: (s) => {
      if (s.waiting.length < 10) return null;
      const visit = take(s.waiting, s.waiting.length - 1);
      return { variables: { visitId: visit.id, visitToken: visit.token }, auth: 'none' };
    },
  },
];

const ids = new Map(operations.map((operation) => [operation.name, operationId(operation.name)]));

/** The mix's operations and weights, for the results. */
export const mixWeights = Object.fromEntries(operations.map((operation) => [operation.name, operation.weight]));

export function createMixState(org: Organization): MixState {
  return { org, waiting: [...org.visits], called: [], serving: [] };
}

/** The next request of the mix, drawn by weight. */
export function nextRequest(state: MixState): MixRequest {
  for (;;) {
    const operation = pickWeighted(operations);
    const built = operation.build(state);
    if (!built) continue;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (built.auth === 'staff') headers.authorization = `Bearer ${state.org.ownerToken}`;
    if (built.auth === 'partner') headers['x-api-key'] = state.org.apiKey;
    const body = JSON.stringify({
      operationName: operation.name,
      variables: built.variables,
      extensions: { persistedQuery: { version: 1, sha256Hash: ids.get(operation.name) } },
    });
    return { name: operation.name, kind: operation.kind, body, headers, learn: built.learn };
  }
}
