import { PubSubEngine } from 'graphql-subscriptions';
import type { RedisPubSub } from 'graphql-redis-subscriptions';
import { decodePublished } from './redis-event-log';

/**
 * Redis pub/sub whose subscribers get each message decoded straight from the Buffer ioredis
 * read (decodePublished: an event log entry's data parsed only when read, any other message as
 * JSON). An event's entry is the whole line, about 480 KB at 1,000 waiting: the 'message' events
 * would decode it to a string, and graphql-redis-subscriptions' own deserializer option first
 * copies it (`Buffer.from`, about 1.5 ms for such a message). A message that is not JSON is
 * dropped: only our own code publishes.
 */
export class DecodingPubSub extends PubSubEngine {
  constructor(private readonly redis: RedisPubSub) {
    super();
  }

  publish(trigger: string, payload: unknown): Promise<void> {
    return this.redis.publish(trigger, payload);
  }

  subscribe(trigger: string, onMessage: (message: unknown) => void, options: object = {}): Promise<number> {
    return this.redis.subscribe(
      trigger,
      (message: Buffer | string) => {
        let decoded: unknown;
        try {
          decoded = decodePublished(message);
        } catch {
          return;
        }
        onMessage(decoded);
      },
      options,
    );
  }

  unsubscribe(id: number): void {
    this.redis.unsubscribe(id);
  }
}
