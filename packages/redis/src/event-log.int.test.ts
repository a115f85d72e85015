import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import type { RedisConfig } from '@waitlessq/config';
import { redisSetups, type RedisSetup } from '@waitlessq/testkit';
import {
  createEventLog,
  createRedis,
  SequenceAheadError,
  SequenceNotAboveError,
  SequenceTooOldError,
  SerializedJson,
  type EventLog,
  type EventLogEntry,
  type RedisResources,
} from './index';
import { hashTagged } from './connect';
import { eventChannel } from './event-log';

const memory: RedisSetup = { start: async () => ({}), stop: async () => undefined };

// One contract, every setup: the embedded log and the log on a Redis Cluster must behave like the one on a single Redis.
describe.each([...redisSetups(), ['memory', memory] as const])('%s event log', (setupName, setup) => {
  let config: RedisConfig;
  let redis: RedisResources;
  const opened: RedisResources[] = [];
  const open = (options = { retentionMs: 60_000 }): EventLog => createEventLog(redis, options);
  const stream = () => `queue:${randomUUID()}`;
  const sequences = (entries: EventLogEntry[]) => entries.map((entry) => entry.sequence);

  beforeAll(async () => {
    // The contract, not the fail-fast timeout (outage.int.test.ts has that): a command may take
    // more than the deployed 200 ms on a machine busy with the whole suite, the first ones to a
    // cluster just started most of all (a CI run failed once with "Command timed out" there).
    config =
      setupName === 'memory'
        ? { kind: 'memory', keyPrefix: '' }
        : { kind: 'redis', ...(await setup.start()), keyPrefix: `test:${randomUUID()}:`, commandTimeoutMs: 2_000 };
    redis = createRedis(config);
  });
  afterAll(async () => {
    await Promise.all([redis, ...opened].map((resources) => resources.close()));
    // A cluster goes with its nodes; the shared Redis keeps what the suite does not remove.
    if (config.url) await forget(config.url, config.keyPrefix);
    await setup.stop();
  });

  it('stores the entries of each stream under the sequences given and replays them in order', async () => {
    const log = open();
    const [a, b] = [stream(), stream()];
    for (const n of [1, 2, 3]) expect((await log.append(a, { n }, n)).sequence).toBe(n);
    expect((await log.append(b, { n: 1 }, 1)).sequence).toBe(1);

    const all = await log.readAfter(a, 0);
    expect(all.map((entry) => [entry.sequence, entry.data])).toEqual([
      [1, { n: 1 }],
      [2, { n: 2 }],
      [3, { n: 3 }],
    ]);
    expect(all.every((entry) => entry.at > Date.now() - 60_000)).toBe(true);
    expect(sequences(await log.readAfter(a, 1))).toEqual([2, 3]);
    expect(await log.readAfter(a, 3)).toEqual([]);
    expect((await log.latest(a))?.sequence).toBe(3);
    expect(await log.latest(stream())).toBeNull();
  });

  it('refuses a sequence the stream never reached', async () => {
    const log = open();
    const name = stream();
    await log.append(name, {}, 1);
    await expect(log.readAfter(name, 2)).rejects.toBeInstanceOf(SequenceAheadError);
    expect(await log.readAfter(stream(), 0)).toEqual([]);
  });

  it('refuses a sequence not above the last one: never two entries with one sequence', async () => {
    const log = open();
    const name = stream();
    await log.append(name, { n: 1 }, 1);
    await log.append(name, { n: 2 }, 2);
    await expect(log.append(name, { again: 2 }, 2)).rejects.toMatchObject({ name: 'SequenceNotAboveError', sequence: 2, last: 2 });
    await expect(log.append(name, { older: 1 }, 1)).rejects.toBeInstanceOf(SequenceNotAboveError);
    await expect(log.append(name, {}, 0)).rejects.toBeInstanceOf(RangeError);
    expect((await log.readAfter(name, 0)).map((entry) => [entry.sequence, entry.data])).toEqual([
      [1, { n: 1 }],
      [2, { n: 2 }],
    ]);
  });

  it('reports a hole in the sequences (entries lost with Redis) as too old, and replays after it', async () => {
    const log = open();
    const name = stream();
    for (const n of [1, 2]) await log.append(name, { n }, n);
    // 3 and 4 were issued by PostgreSQL, then lost with a Redis that restarted from a snapshot.
    for (const n of [5, 6]) await log.append(name, { n }, n);
    await expect(log.readAfter(name, 1)).rejects.toMatchObject({ name: 'SequenceTooOldError', afterSequence: 1, oldestKept: 5 });
    await expect(log.readAfter(name, 3)).rejects.toMatchObject({ name: 'SequenceTooOldError', oldestKept: 5 });
    expect(sequences(await log.readAfter(name, 4))).toEqual([5, 6]);
    expect((await log.latest(name))?.sequence).toBe(6);
    // A log that holds nothing of the stream (a Redis that restarted empty) cannot replay anything.
    await expect(log.readAfter(stream(), 7)).rejects.toMatchObject({ name: 'SequenceTooOldError', oldestKept: null });
  });

  it('stores each sequence once when publishers race with the same ones, and delivers them live in order', async () => {
    const publishers =
      config.kind === 'redis'
        ? Array.from({ length: 4 }, () => {
            const resources = createRedis(config);
            opened.push(resources);
            return createEventLog(resources, { retentionMs: 60_000 });
          })
        : [open(), open()];
    const name = stream();
    const live: EventLogEntry[] = [];
    const stop = await open().subscribe(name, (entry) => live.push(entry));

    // Every publisher tries every sequence in order; exactly one append of each is stored.
    const appended = (
      await Promise.all(
        publishers.map(async (publisher, p) => {
          const stored: EventLogEntry[] = [];
          for (let sequence = 1; sequence <= 200; sequence++) {
            try {
              stored.push(await publisher.append(name, { p, sequence }, sequence));
            } catch (error) {
              if (!(error instanceof SequenceNotAboveError)) throw error;
            }
          }
          return stored;
        }),
      )
    ).flat();
    expect(sequences(appended).sort((x, y) => x - y)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));

    const replayed = await open().readAfter(name, 0);
    expect(sequences(replayed)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    // Each entry holds the data its append was given, under the sequence that append was told.
    const bySequence = new Map(appended.map((entry) => [entry.sequence, entry.data]));
    expect(replayed.every((entry) => JSON.stringify(entry.data) === JSON.stringify(bySequence.get(entry.sequence)))).toBe(true);

    await waitFor(() => live.length === 200);
    expect(sequences(live)).toEqual(sequences(replayed));
    stop();
    await open().append(name, { after: 'stop' }, 201);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(live).toHaveLength(200);
  });

  it('forgets entries older than the retention, says so, and still refuses sequences not above the last', async () => {
    const log = open({ retentionMs: 300 });
    const name = stream();
    for (let i = 0; i < 3; i++) await log.append(name, { i }, i + 1);
    expect(sequences(await log.readAfter(name, 0))).toEqual([1, 2, 3]);
    await new Promise((resolve) => setTimeout(resolve, 450));

    await expect(log.readAfter(name, 1)).rejects.toBeInstanceOf(SequenceTooOldError);
    expect(await log.latest(name)).toBeNull();
    await expect(log.append(name, { i: 2 }, 3)).rejects.toBeInstanceOf(SequenceNotAboveError);
    expect((await log.append(name, { i: 3 }, 4)).sequence).toBe(4);
    expect(sequences(await log.readAfter(name, 3))).toEqual([4]);
    await expect(log.readAfter(name, 2)).rejects.toMatchObject({ name: 'SequenceTooOldError', afterSequence: 2, oldestKept: 4 });
  });

  it('refuses to replay more than maxReplay entries', async () => {
    const log = createEventLog(redis, { retentionMs: 60_000, maxReplay: 5 });
    const name = stream();
    for (let i = 0; i < 8; i++) await log.append(name, { i }, i + 1);
    await expect(log.readAfter(name, 0)).rejects.toBeInstanceOf(SequenceTooOldError);
    expect(sequences(await log.readAfter(name, 3))).toEqual([4, 5, 6, 7, 8]);
  });

  it('appends data serialized already as it is', async () => {
    const log = open();
    const name = stream();
    await log.append(name, new SerializedJson('{"visits":[["a",1,null]],"text":"\\u00fc"}'), 1);
    expect((await log.readAfter(name, 0))[0].data).toEqual({ visits: [['a', 1, null]], text: 'ü' });
  });

  (setupName === 'memory' ? it.skip : it)('drops a message on its channel that is not JSON and goes on with the next', async () => {
    const log = open();
    const name = stream();
    const live: EventLogEntry[] = [];
    const stop = await log.subscribe(name, (entry) => live.push(entry));
    await redis.client!.publish(eventChannel(config.keyPrefix, name), 'not an entry');
    await log.append(name, { i: 1 }, 1);
    await waitFor(() => live.length === 1);
    stop();
    expect(live.map((entry) => [entry.sequence, entry.data])).toEqual([[1, { i: 1 }]]);
  });

  (setupName === 'memory' ? it.skip : it)('stores data longer than compressAboveBytes deflated, and reads either kind back whole', async () => {
    const log = createEventLog(redis, { retentionMs: 60_000, compressAboveBytes: 1_000 });
    const name = stream();
    const short = { kind: 'QUEUE_PAUSED' };
    const long = { visits: Array.from({ length: 200 }, (_, i) => [randomUUID(), `Visitor ${i} "ü"`, 'WAITING', null, '2026-12-03T16:31:18.474']) };
    const live: EventLogEntry[] = [];
    const stop = await log.subscribe(name, (entry) => live.push(entry));
    await log.append(name, short, 1);
    await log.append(name, new SerializedJson(JSON.stringify(long)), 2);
    await waitFor(() => live.length === 2);
    stop();
    const stored = (await redis.client!.xrange(`events:${hashTagged(redis.client!, name)}:log`, '-', '+')).map(([, fields]) => fields[fields.indexOf('d') + 1]);
    expect(stored[0]).toBe(JSON.stringify(short));
    expect(stored[1].startsWith('{"$deflated":"')).toBe(true);
    expect(stored[1].length).toBeLessThan(JSON.stringify(long).length * 0.75);
    expect(live.map((entry) => entry.data)).toEqual([short, long]);
    expect((await log.readAfter(name, 0)).map((entry) => entry.data)).toEqual([short, long]);
    // A log that would not compress reads them the same.
    expect((await createEventLog(redis, { retentionMs: 60_000, compressAboveBytes: 0 }).readAfter(name, 0)).map((entry) => entry.data)).toEqual([short, long]);
    expect((await log.latest(name))?.data).toEqual(long);
  });

  it('carries large data intact', async () => {
    const log = open();
    const name = stream();
    const data = { visits: Array.from({ length: 2_000 }, (_, i) => ({ id: randomUUID(), name: `Visitor ${i} "quoted" ü`, position: i + 1 })) };
    const live: EventLogEntry[] = [];
    const stop = await log.subscribe(name, (entry) => live.push(entry));
    await log.append(name, data, 1);
    await waitFor(() => live.length === 1);
    stop();
    expect(live[0].data).toEqual(data);
    expect((await log.readAfter(name, 0))[0].data).toEqual(data);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Sequence counters never expire (they must only grow): the suite removes its own. */
async function forget(url: string, prefix: string): Promise<void> {
  const raw = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await raw.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await raw.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    raw.disconnect();
  }
}
