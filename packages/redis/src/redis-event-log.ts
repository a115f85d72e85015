import type Redis from 'ioredis';
import type { PubSubEngine } from 'graphql-subscriptions';
import { eventChannel, SequenceAheadError, SequenceTooOldError, toJson, type EventLog, type EventLogEntry, type EventLogOptions } from './event-log';

/**
 * INCR the stream's counter, XADD the entry with it (trimming entries older than the
 * retention), renew the stream's expiry, and PUBLISH the entry: one script, so sequences are
 * stored and published in the order they are given, whatever the number of publishers, and a
 * publisher dying half-way cannot leave a sequence unused or unpublished. The counter never
 * expires: sequences only grow. The published message is built by concatenation because the
 * data is already JSON and may be large.
 */
const appendScript = `
local sequence = redis.call('INCR', KEYS[1])
local time = redis.call('TIME')
local nowMs = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local retention = tonumber(ARGV[3])
local id = redis.call('XADD', KEYS[2], 'MINID', '~', tostring(nowMs - retention), '*', 's', sequence, 'd', ARGV[2])
redis.call('PEXPIRE', KEYS[2], retention)
local at = string.match(id, '^(%d+)')
redis.call('PUBLISH', ARGV[1], '{"sequence":' .. sequence .. ',"at":' .. at .. ',"data":' .. ARGV[2] .. '}')
return {sequence, at}
`;

interface EventLogCommands {
  wlqAppendEvent(counterKey: string, streamKey: string, channel: string, json: string, retentionMs: number): Promise<[number, string]>;
}

/** Entries are read backwards from the newest: a reader that reconnects is usually a few behind. */
const pageSize = 100;

/** Keys get the client's prefix from ioredis (KEYS of the script too); channels do not, so they are prefixed here. */
export function createRedisEventLog(client: Redis, pubsub: PubSubEngine, options: Required<EventLogOptions>): EventLog {
  if (!('wlqAppendEvent' in client)) client.defineCommand('wlqAppendEvent', { numberOfKeys: 2, lua: appendScript });
  const commands = client as unknown as EventLogCommands;
  const keyPrefix = client.options.keyPrefix ?? '';
  const counterKey = (stream: string) => `events:${stream}:sequence`;
  const streamKey = (stream: string) => `events:${stream}:log`;

  return {
    async append(stream, data) {
      const json = toJson(data);
      const [sequence, at] = await commands.wlqAppendEvent(counterKey(stream), streamKey(stream), eventChannel(keyPrefix, stream), json, options.retentionMs);
      return { sequence: Number(sequence), at: Number(at), data };
    },

    async readAfter(stream, afterSequence) {
      // The counter first: every sequence up to it was in the stream before the scan starts
      // (the script stores both at once), so a sequence missing from the scan was trimmed.
      const latest = Number((await client.get(counterKey(stream))) ?? 0);
      if (afterSequence > latest) throw new SequenceAheadError(stream, afterSequence, latest);
      if (afterSequence === latest) return [];
      const newestFirst: EventLogEntry[] = [];
      let end = '+';
      let oldestSeen: number | null = null;
      scan: for (;;) {
        const page = await client.xrevrange(streamKey(stream), end, '-', 'COUNT', pageSize);
        for (const [id, fields] of page) {
          const entry = parseEntry(id, fields);
          oldestSeen = entry.sequence;
          if (entry.sequence <= afterSequence) break scan;
          if (newestFirst.length === options.maxReplay) throw new SequenceTooOldError(stream, afterSequence, null);
          newestFirst.push(entry);
        }
        if (page.length < pageSize) break;
        end = `(${page[page.length - 1][0]}`;
      }
      const entries = newestFirst.reverse();
      if (entries.length === 0 || entries[0].sequence !== afterSequence + 1) throw new SequenceTooOldError(stream, afterSequence, oldestSeen);
      return entries;
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

/** A stream entry is `s <sequence> d <json>`; its id starts with the time it was added. */
function parseEntry(id: string, fields: string[]): EventLogEntry {
  const value = (name: string) => fields[fields.indexOf(name) + 1];
  return { sequence: Number(value('s')), at: Number(id.slice(0, id.indexOf('-'))), data: JSON.parse(value('d')) as unknown };
}
