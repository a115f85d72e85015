import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import type { RedisConfig } from '@waitlessq/config';
import { createEventLog, createRedis, SequenceAheadError, SequenceTooOldError, SerializedJson, type EventLog, type EventLogEntry, type RedisResources } from './index';

// One contract, both implementations: the embedded log must behave like the Redis one.
const redisConfig = (): RedisConfig => ({ kind: 'redis', url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', keyPrefix: `test:${randomUUID()}:` });
const memoryConfig = (): RedisConfig => ({ kind: 'memory', keyPrefix: '' });

describe.each([
  ['redis', redisConfig],
  ['memory', memoryConfig],
])('%s event log', (_name, makeConfig) => {
  let config: RedisConfig;
  let redis: RedisResources;
  const opened: RedisResources[] = [];
  const open = (options = { retentionMs: 60_000 }): EventLog => createEventLog(redis, options);
  const stream = () => `queue:${randomUUID()}`;
  const sequences = (entries: EventLogEntry[]) => entries.map((entry) => entry.sequence);

  beforeAll(() => {
    config = makeConfig();
    redis = createRedis(config);
  });
  afterAll(async () => {
    await Promise.all([redis, ...opened].map((resources) => resources.close()));
    if (config.kind === 'redis') await forget(config.url!, config.keyPrefix);
  });

  it('numbers the entries of each stream from 1 and replays them in order', async () => {
    const log = open();
    const [a, b] = [stream(), stream()];
    for (const n of [1, 2, 3]) expect((await log.append(a, { n })).sequence).toBe(n);
    expect((await log.append(b, { n: 1 })).sequence).toBe(1);

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
    await log.append(name, {});
    await expect(log.readAfter(name, 2)).rejects.toBeInstanceOf(SequenceAheadError);
    expect(await log.readAfter(stream(), 0)).toEqual([]);
  });

  it('keeps sequence order across many concurrent publishers and delivers them live in that order', async () => {
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

    const appended = await Promise.all(Array.from({ length: 200 }, (_, i) => publishers[i % publishers.length].append(name, { i })));
    expect(sequences(appended).sort((x, y) => x - y)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));

    const replayed = await open().readAfter(name, 0);
    expect(sequences(replayed)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    // Each entry holds the data its append was given, under the sequence that append was told.
    const bySequence = new Map(appended.map((entry) => [entry.sequence, entry.data]));
    expect(replayed.every((entry) => JSON.stringify(entry.data) === JSON.stringify(bySequence.get(entry.sequence)))).toBe(true);

    await waitFor(() => live.length === 200);
    expect(sequences(live)).toEqual(sequences(replayed));
    stop();
    await open().append(name, { after: 'stop' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(live).toHaveLength(200);
  });

  it('forgets entries older than the retention, says so, and never restarts the sequence', async () => {
    const log = open({ retentionMs: 300 });
    const name = stream();
    for (let i = 0; i < 3; i++) await log.append(name, { i });
    expect(sequences(await log.readAfter(name, 0))).toEqual([1, 2, 3]);
    await new Promise((resolve) => setTimeout(resolve, 450));

    await expect(log.readAfter(name, 1)).rejects.toBeInstanceOf(SequenceTooOldError);
    expect(await log.latest(name)).toBeNull();
    expect((await log.append(name, { i: 3 })).sequence).toBe(4);
    expect(sequences(await log.readAfter(name, 3))).toEqual([4]);
    await expect(log.readAfter(name, 2)).rejects.toMatchObject({ name: 'SequenceTooOldError', afterSequence: 2, oldestKept: 4 });
  });

  it('refuses to replay more than maxReplay entries', async () => {
    const log = createEventLog(redis, { retentionMs: 60_000, maxReplay: 5 });
    const name = stream();
    for (let i = 0; i < 8; i++) await log.append(name, { i });
    await expect(log.readAfter(name, 0)).rejects.toBeInstanceOf(SequenceTooOldError);
    expect(sequences(await log.readAfter(name, 3))).toEqual([4, 5, 6, 7, 8]);
  });

  it('appends data serialized already as it is', async () => {
    const log = open();
    const name = stream();
    await log.append(name, new SerializedJson('{"visits":[["a",1,null]],"text":"\\u00fc"}'));
    expect((await log.readAfter(name, 0))[0].data).toEqual({ visits: [['a', 1, null]], text: 'ü' });
  });

  it('carries large data intact', async () => {
    const log = open();
    const name = stream();
    const data = { visits: Array.from({ length: 2_000 }, (_, i) => ({ id: randomUUID(), name: `Visitor ${i} "quoted" ü`, position: i + 1 })) };
    const live: EventLogEntry[] = [];
    const stop = await log.subscribe(name, (entry) => live.push(entry));
    await log.append(name, data);
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
