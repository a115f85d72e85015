import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { PubSubEngine } from 'graphql-subscriptions';
import {
  assertSequence,
  contiguousAfter,
  eventChannel,
  SequenceAheadError,
  SequenceNotAboveError,
  SequenceTooOldError,
  toJson,
  type EventLog,
  type EventLogEntry,
  type EventLogOptions,
} from './event-log';
import { hashTagged, type RedisClient } from './connect';

/**
 * Check that the given sequence is above the stream's last (its marker key, which never
 * expires), record it as the last, XADD the entry (trimming entries older than the retention),
 * renew the stream's expiry, and PUBLISH the entry: one script, so the stream is in sequence
 * order, no sequence is stored twice, and a publisher dying half-way cannot leave an entry
 * unpublished. It also records which Redis process (run_id) wrote the last sequence: one
 * restored from an old snapshot has an older last, which lastScript reports as stale. Refused:
 * `{0, last}`. The sequence is kept as the text it came as (a Lua number would print large
 * ones as 1e+15). The published message is built by concatenation because the data is already
 * JSON and may be large.
 */
const appendScript = `
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[4]) <= last then return {0, last} end
redis.call('SET', KEYS[1], ARGV[4])
redis.call('SET', KEYS[3], string.match(redis.call('INFO', 'server'), 'run_id:(%w+)'))
local time = redis.call('TIME')
local nowMs = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local retention = tonumber(ARGV[3])
local id = redis.call('XADD', KEYS[2], 'MINID', '~', tostring(nowMs - retention), '*', 's', ARGV[4], 'd', ARGV[2])
redis.call('PEXPIRE', KEYS[2], retention)
local at = string.match(id, '^(%d+)')
redis.call('PUBLISH', ARGV[1], '{"sequence":' .. ARGV[4] .. ',"at":' .. at .. ',"data":' .. ARGV[2] .. '}')
return {1, at}
`;

/**
 * The stream's last sequence ('' when Redis holds none), and whether this Redis process wrote
 * it (1) or loaded it from a snapshot or AOF after a restart (0): then sequences above it may
 * have been issued, and lost with what the restart did not bring back.
 */
const lastScript = `
local last = redis.call('GET', KEYS[1])
if not last then return {'', 0} end
local current = string.match(redis.call('INFO', 'server'), 'run_id:(%w+)')
return {last, redis.call('GET', KEYS[2]) == current and 1 or 0}
`;

interface EventLogCommands {
  wlqAppendEvent(
    lastKey: string,
    streamKey: string,
    writerKey: string,
    channel: string,
    json: string,
    retentionMs: number,
    sequence: string,
  ): Promise<[number, number | string]>;
  wlqLastSequence(lastKey: string, writerKey: string): Promise<[string, number]>;
}

/** Entries are read backwards from the newest: a reader that reconnects is usually a few behind. */
const pageSize = 100;

/**
 * Keys get the client's prefix from ioredis (KEYS of the script too); channels do not, so they are prefixed here.
 *
 * The scripts touch the stream's three keys together, so on a Redis Cluster the stream name is
 * their hash tag (`events:{queue:<id>}:log`, one slot per queue, queues spread over the
 * masters); a cluster carries the script's PUBLISH to every node. On a single Redis the keys keep
 * their names (`events:queue:<id>:log`), so a deployment that upgrades keeps its streams and
 * last sequences. Moving to a cluster starts with empty streams: a client resuming with
 * afterSequence gets SEQUENCE_TOO_OLD and re-reads the state, and numbering goes on from
 * PostgreSQL's lastEventSequence (gateway/src/subscriptions/README.md, "Sequences, replay, gaps").
 */
export function createRedisEventLog(client: RedisClient, pubsub: PubSubEngine, options: Required<EventLogOptions>): EventLog {
  if (!('wlqAppendEvent' in client)) client.defineCommand('wlqAppendEvent', { numberOfKeys: 3, lua: appendScript });
  if (!('wlqLastSequence' in client)) client.defineCommand('wlqLastSequence', { numberOfKeys: 2, lua: lastScript });
  const commands = client as unknown as EventLogCommands;
  const keyPrefix = client.options.keyPrefix ?? '';
  // The stream's last sequence; the key the Redis counter had, so a queue numbered by Redis before
  // keeps its numbers (publisher.ts moves PostgreSQL up to it).
  const lastKey = (stream: string) => `events:${hashTagged(client, stream)}:sequence`;
  const writerKey = (stream: string) => `events:${hashTagged(client, stream)}:writer`;
  const streamKey = (stream: string) => `events:${hashTagged(client, stream)}:log`;

  return {
    async append(stream, data, sequence) {
      assertSequence(sequence);
      const json = storedJson(toJson(data), options.compressAboveBytes);
      const [stored, value] = await commands.wlqAppendEvent(
        lastKey(stream),
        streamKey(stream),
        writerKey(stream),
        eventChannel(keyPrefix, stream),
        json,
        options.retentionMs,
        String(sequence),
      );
      if (Number(stored) === 0) throw new SequenceNotAboveError(stream, sequence, Number(value));
      return { sequence, at: Number(value), data };
    },

    async readAfter(stream, afterSequence) {
      // The last sequence first: every entry up to it was in the stream before the scan starts
      // (the script stores both at once), so a sequence missing from the scan was trimmed or lost.
      const [stored, written] = await commands.wlqLastSequence(lastKey(stream), writerKey(stream));
      // Nothing of the stream at all: a Redis that restarted empty, or a stream never appended to.
      // Sequences come from PostgreSQL, so the log cannot tell which: the client re-reads the state.
      if (stored === '' && afterSequence > 0) throw new SequenceTooOldError(stream, afterSequence, null);
      const latest = Number(stored || 0);
      if (afterSequence > latest) {
        // A last loaded after a restart may be older than what PostgreSQL issued before it.
        if (Number(written) !== 1) throw new SequenceTooOldError(stream, afterSequence, null);
        throw new SequenceAheadError(stream, afterSequence, latest);
      }
      if (afterSequence === latest) return [];
      const newestFirst: EventLogEntry[] = [];
      let end = '+';
      scan: for (;;) {
        const page = await client.xrevrange(streamKey(stream), end, '-', 'COUNT', pageSize);
        for (const [id, fields] of page) {
          const entry = parseEntry(id, fields);
          if (entry.sequence <= afterSequence) break scan;
          if (newestFirst.length === options.maxReplay) throw new SequenceTooOldError(stream, afterSequence, null);
          newestFirst.push(entry);
        }
        if (page.length < pageSize) break;
        end = `(${page[page.length - 1][0]}`;
      }
      return contiguousAfter(stream, afterSequence, newestFirst.reverse());
    },

    async latest(stream) {
      const [newest] = await client.xrevrange(streamKey(stream), '+', '-', 'COUNT', 1);
      return newest ? parseEntry(newest[0], newest[1]) : null;
    },

    async subscribe(stream, onEntry) {
      const id = await pubsub.subscribe(eventChannel(keyPrefix, stream), (entry: EventLogEntry) => onEntry(entry), {});
      return () => pubsub.unsubscribe(id);
    },
  };
}

const publishedHead = Buffer.from('{"sequence":');
const publishedData = Buffer.from(',"data":');

/**
 * A pub/sub message: the entry the append script publishes (`{"sequence":N,"at":T,"data":<json>}`)
 * with its data parsed only when first read. A gateway's feed reads the sequence and time of
 * each entry and hardly ever its data (the queue subgraph resolves payloads from its own read),
 * which is the whole line: about 430 KB at 1,000 waiting visits, parsed once per event on
 * every gateway before. Any other message is JSON, parsed as it is.
 */
export function decodePublished(source: string | Buffer): unknown {
  const message = typeof source === 'string' ? Buffer.from(source) : source;
  const dataAt = message.subarray(0, publishedHead.length).equals(publishedHead) ? message.indexOf(publishedData) : -1;
  if (dataAt < 0) return JSON.parse(message.toString('utf8')) as unknown;
  const head = JSON.parse(`${message.toString('utf8', 0, dataAt)}}`) as { sequence: number; at: number };
  // A copy of its own: the message may be a view of the Redis client's read buffers, which a
  // gateway keeping its queues' last events would otherwise hold on to whole.
  const raw = Buffer.allocUnsafe(message.length - 1 - (dataAt + publishedData.length));
  message.copy(raw, 0, dataAt + publishedData.length, message.length - 1);
  let data: unknown;
  let parsed = false;
  return {
    sequence: head.sequence,
    at: head.at,
    get data() {
      if (!parsed) {
        data = dataOf(raw.toString('utf8'));
        parsed = true;
      }
      return data;
    },
  } satisfies EventLogEntry;
}

/** A stream entry is `s <sequence> d <json>`; its id starts with the time it was added. */
function parseEntry(id: string, fields: string[]): EventLogEntry {
  const value = (name: string) => fields[fields.indexOf(name) + 1];
  return { sequence: Number(value('s')), at: Number(id.slice(0, id.indexOf('-'))), data: dataOf(value('d')) };
}

/**
 * Data stored deflated: `{"$deflated":"<base64 of its JSON, raw deflate at level 1>"}`. Still
 * JSON, so the append script and the published message carry it as any other, and a gateway,
 * which reads only an entry's head, never inflates it. A line of 1,000 visits is 484 KB of
 * JSON and about 61 KB so (deflating takes about 1.3 ms, inflating 0.5): ten times less to
 * send to Redis, to keep there for the retention, and to send to every gateway.
 */
const deflatedHead = '{"$deflated":"';

function storedJson(json: string, compressAboveBytes: number): string {
  if (compressAboveBytes === 0 || json.length <= compressAboveBytes) return json;
  return `${deflatedHead}${deflateRawSync(json, { level: 1 }).toString('base64')}"}`;
}

/** The data of an entry as stored, inflated when it was stored deflated (by any writer, whatever this one's setting). */
function dataOf(stored: string): unknown {
  if (!stored.startsWith(deflatedHead)) return JSON.parse(stored) as unknown;
  const deflated = Buffer.from(stored.slice(deflatedHead.length, -2), 'base64');
  // One output chunk for a whole line: the default 16 KiB chunks make inflating three times slower.
  return JSON.parse(inflateRawSync(deflated, { chunkSize: 256 * 1024 }).toString('utf8')) as unknown;
}
