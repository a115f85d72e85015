import { randomUUID } from 'node:crypto';
import { parse } from 'graphql';
import { createLogger } from '@waitlessq/observability';
import { createEventLog, createRedis, SerializedJson, type EventLog } from '@waitlessq/redis';
import type { QueueContext } from '../context';
import { createQueueEventExecutor } from './event-executor';
import { createEventStore } from './event-store';
import { queueEventStream, type QueueEventData } from './queue-event';
import { createSubscriptionPayloadResolvers, type SubscriberPayload } from './subscription-payloads';
import { eventVisitColumns } from './visit-row';

// What the gateway's subscribers are resolved with (SubscriptionEvent.payloads through
// _entities): the event read from the log, relevance for a visit against the event delivered
// before, the end of the stream, and one log read per event however many groups ask.

const logger = createLogger('test', 'silent');
const queueId = randomUUID();
const visitId = randomUUID();

/** An event of a queue where `waiting` visits wait (the watched visit first, with `status`), after `kind`. */
function eventData(kind: QueueEventData['change']['kind'], waiting: number, queueStatus: 'OPEN' | 'PAUSED' = 'OPEN', status = 'WAITING'): QueueEventData {
  const at = '2026-01-15T09:00:00.000';
  const visits = Array.from({ length: waiting }, (_, i): Record<string, unknown> => ({
    id: i === 0 ? visitId : `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    status: i === 0 ? status : 'WAITING',
    priority: 0,
    joinedAt: `2026-01-15T09:00:0${i}.000`,
    ticketNumber: i + 1,
    expectedServiceMinutes: 10,
    queueId,
    createdAt: at,
    updatedAt: at,
  }));
  return {
    queueId,
    organizationId: randomUUID(),
    change: { kind, visitIds: status === 'WAITING' ? [] : [visitId] },
    snapshot: {
      queue: { id: queueId, status: queueStatus, countersOpen: 1, businessId: randomUUID(), createdAt: at, updatedAt: at } as never,
      visits: visits.map((visit) => eventVisitColumns.map((column) => visit[column] ?? null)) as never,
      serviceTimes: {},
      appointmentIds: [],
    },
  };
}

const VISIT =
  'subscription($id: ID!, $token: String, $after: Int) { visitUpdated(visitId: $id, visitToken: $token, afterSequence: $after) { sequence reasons visit { status position } } }';
const QUEUE = 'subscription($q: ID!) { queueUpdated(queueId: $q) { sequence change } }';
const context = { identity: { kind: 'anonymous' }, requestId: 'test', logger } as unknown as QueueContext;

let log: EventLog;
let reads: number;
let payloads: (sequence: number, document: string, variables: Record<string, unknown>[], previousSequence?: number) => Promise<SubscriberPayload[]>;
beforeEach(async () => {
  const memory = createEventLog(createRedis({ kind: 'memory', keyPrefix: '' }), { retentionMs: 60_000 });
  reads = 0;
  log = { ...memory, readAfter: (stream, after) => ((reads += 1), memory.readAfter(stream, after)) };
  const resolvers = createSubscriptionPayloadResolvers(createQueueEventExecutor({ exposeInternals: false, logger }), createEventStore(log));
  payloads = (sequence, document, variables, previousSequence) =>
    resolvers.SubscriptionEvent.payloads({ queueId, sequence }, { document, variables, previousSequence }, context);
  await log.append(queueEventStream(queueId), eventData('JOINED', 1), 1);
  await log.append(queueEventStream(queueId), eventData('JOINED', 2), 2); // someone joined behind: nothing changes for the visit
  await log.append(queueEventStream(queueId), eventData('QUEUE_PAUSED', 2, 'PAUSED'), 3);
});

describe('subscription payloads at an event', () => {
  it('sends a visit only what changed for it since the event delivered before', async () => {
    const variables = [{ id: visitId, token: 't', after: 1 }];
    expect(await payloads(2, VISIT, variables, 1)).toEqual([{ result: null, ends: false }]);
    expect(await payloads(3, VISIT, variables, 2)).toEqual([
      { result: { data: { visitUpdated: { sequence: 3, reasons: ['QUEUE_STATUS_CHANGED'], visit: { status: 'WAITING', position: 1 } } } }, ends: false },
    ]);
    // Without an event before (the first of a replay from 0), everything about the visit is new.
    const [first] = await payloads(1, VISIT, variables);
    expect(first.result).toEqual({
      data: { visitUpdated: { sequence: 1, reasons: ['VISIT_CHANGED', 'POSITION_CHANGED', 'ESTIMATE_CHANGED'], visit: { status: 'WAITING', position: 1 } } },
    });
  });

  it('ends the stream after the visit is done', async () => {
    await log.append(queueEventStream(queueId), eventData('COMPLETED', 2, 'PAUSED', 'DONE'), 4);
    const [done] = await payloads(4, VISIT, [{ id: visitId }], 3);
    expect(done).toMatchObject({
      ends: true,
      result: { data: { visitUpdated: { sequence: 4, reasons: ['VISIT_CHANGED', 'POSITION_CHANGED', 'ESTIMATE_CHANGED'] } } },
    });
  });

  it('answers every variables of a group from one log read of the event', async () => {
    const answers = await payloads(3, QUEUE, [{ q: queueId }, { q: queueId }]);
    expect(answers.map((answer) => answer.result)).toEqual([
      { data: { queueUpdated: { sequence: 3, change: 'QUEUE_PAUSED' } } },
      { data: { queueUpdated: { sequence: 3, change: 'QUEUE_PAUSED' } } },
    ]);
    const readsAfterFirst = reads;
    await payloads(3, VISIT, [{ id: visitId }], 2);
    await payloads(3, QUEUE, [{ q: queueId }]);
    expect([readsAfterFirst, reads]).toEqual([1, 2]);
  });

  it('runs a group once and gives each subscriber its own visit, splitting it by variables used below the root field', async () => {
    const other = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    const answers = await payloads(2, VISIT, [{ id: visitId }, { id: other(1) }]);
    expect(answers.map((answer) => answer.result)).toEqual([
      {
        data: { visitUpdated: { sequence: 2, reasons: ['VISIT_CHANGED', 'POSITION_CHANGED', 'ESTIMATE_CHANGED'], visit: { status: 'WAITING', position: 1 } } },
      },
      {
        data: { visitUpdated: { sequence: 2, reasons: ['VISIT_CHANGED', 'POSITION_CHANGED', 'ESTIMATE_CHANGED'], visit: { status: 'WAITING', position: 2 } } },
      },
    ]);
    const withVisit = 'subscription($id: ID!, $more: Boolean!) { update: visitUpdated(visitId: $id) { sequence visit @include(if: $more) { position } } }';
    const split = await payloads(2, withVisit, [
      { id: visitId, more: true },
      { id: other(1), more: false },
      { id: other(1), more: true },
    ]);
    expect(split.map((answer) => answer.result)).toEqual([
      { data: { update: { sequence: 2, visit: { position: 1 } } } },
      { data: { update: { sequence: 2 } } },
      { data: { update: { sequence: 2, visit: { position: 2 } } } },
    ]);
  });

  it('keeps an error to the subscriber whose payload it is', async () => {
    const executor = createQueueEventExecutor({ exposeInternals: false, logger });
    const event = await createEventStore(log).event(queueId, 2);
    const source = { event, reasons: [] };
    const results = await executor.executeBatch({
      document: parse('subscription($id: ID!) { visitUpdated(visitId: $id) { sequence visit { position } } }'),
      subscribers: [
        { variables: { id: randomUUID() }, source },
        { variables: { id: visitId }, source },
      ],
      identity: context.identity,
      requestId: 'test',
      logger,
    });
    expect(results).toEqual([
      { data: null, errors: [expect.objectContaining({ path: ['visitUpdated'], extensions: expect.objectContaining({ code: 'NOT_FOUND' }) })] },
      { data: { visitUpdated: { sequence: 2, visit: { position: 1 } } } },
    ]);
  });

  it('serves an event this replica appended without reading it back from the log', async () => {
    const store = createEventStore(log);
    const entry = await log.append(queueEventStream(queueId), new SerializedJson(JSON.stringify(eventData('CALLED', 2))), 4);
    store.remember(queueId, entry);
    const before = reads;
    const event = await store.event(queueId, 4);
    expect([event.sequence, event.change.kind, event.waits.get(visitId)?.position, reads - before]).toEqual([4, 'CALLED', 1, 0]);
    // Asked again, or for another event, the log as before.
    await store.event(queueId, 4);
    await store.event(queueId, 3);
    expect(reads - before).toBe(1);
  });

  it('revives an appended event at once when the event before it was asked for, else only when asked', async () => {
    const store = createEventStore(log);
    const parse = jest.spyOn(JSON, 'parse');
    /** Remembers an entry as the Redis log returns one it appended (its data the text sent), then counts the parses of that text. */
    const appendAndRemember = async (sequence: number) => {
      const json = JSON.stringify({ ...eventData('CALLED', 2), sequence });
      const from = parse.mock.calls.length;
      store.remember(queueId, { sequence, at: Date.parse('2026-01-15T09:05:00Z'), data: new SerializedJson(json) });
      await new Promise((resolve) => setImmediate(resolve));
      return () => parse.mock.calls.slice(from).filter(([text]) => text === json).length;
    };
    try {
      // No one asked for the queue's events: the entry waits unparsed.
      const unasked = await appendAndRemember(5);
      expect(unasked()).toBe(0);
      await store.event(queueId, 5);
      expect(unasked()).toBe(1);
      // Event 5 was asked for: 6 is parsed and revived before anyone asks, once.
      const next = await appendAndRemember(6);
      expect(next()).toBe(1);
      const before = reads;
      expect((await store.event(queueId, 6)).sequence).toBe(6);
      expect([next(), reads - before]).toEqual([1, 0]);
    } finally {
      parse.mockRestore();
    }
  });

  it('keeps revived events within a budget of visits, the oldest out first', async () => {
    const store = createEventStore(log, { maxKeptVisits: 3 });
    const readsFor = async (sequence: number) => {
      const before = reads;
      await store.event(queueId, sequence);
      return reads - before;
    };
    expect(await readsFor(3)).toBe(1); // 2 visits kept
    expect(await readsFor(2)).toBe(1); // 2 more: over 3, so event 3, the oldest, goes
    expect(await readsFor(2)).toBe(0);
    expect(await readsFor(3)).toBe(1);
  });

  it('keeps entries appended here within a budget of their JSON, the oldest out first', async () => {
    const json = JSON.stringify(eventData('CALLED', 2));
    const store = createEventStore(log, { maxAppendedChars: json.length * 1.5 });
    for (const sequence of [4, 5]) {
      await log.append(queueEventStream(queueId), new SerializedJson(json), sequence);
      store.remember(queueId, { sequence, at: Date.parse('2026-01-15T09:05:00Z'), data: new SerializedJson(json) });
    }
    const before = reads;
    await store.event(queueId, 5);
    expect(reads - before).toBe(0);
    await store.event(queueId, 4);
    expect(reads - before).toBe(1);
  });

  it('refuses an event the log does not hold, unless the gateway sends it as it received it live', async () => {
    await expect(payloads(9, QUEUE, [{ q: queueId }])).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const resolvers = createSubscriptionPayloadResolvers(createQueueEventExecutor({ exposeInternals: false, logger }), createEventStore(log));
    const lost = { queueId, sequence: 9, at: Date.parse('2026-01-15T09:05:00Z'), data: eventData('JOINED', 3) };
    const [answer] = await resolvers.SubscriptionEvent.payloads(lost, { document: QUEUE, variables: [{ q: queueId }] }, context);
    expect(answer.result).toEqual({ data: { queueUpdated: { sequence: 9, change: 'JOINED' } } });
  });
});
