import WebSocket from 'ws';

/** What a subscription ended with: `complete`, or the errors the server sent for its id. */
export type SubscriptionEnd = { kind: 'complete' } | { kind: 'error'; errors: { message: string; extensions?: { code?: string; [key: string]: unknown } }[] };

export interface SubscriptionPayload<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[];
}

export interface TestSubscription<T = Record<string, unknown>> {
  id: string;
  /** Every payload received so far, in order. */
  readonly received: SubscriptionPayload<T>[];
  /** The next payload not yet taken (waits up to `timeoutMs`). */
  next(timeoutMs?: number): Promise<SubscriptionPayload<T>>;
  /** Resolves when the server completes the subscription or refuses it. */
  readonly ended: Promise<SubscriptionEnd>;
  /** Sends `complete` for this id (the client stops listening). */
  complete(): void;
}

export interface TestSubscriptionClient {
  /** `extensions` carries e.g. `persistedQuery` for an operation sent by its manifest id (with an empty query). */
  subscribe<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, extensions?: Record<string, unknown>): TestSubscription<T>;
  /** Resolves with the close code and reason when the socket closes (whoever closes it). */
  readonly closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

/**
 * A graphql-ws (graphql-transport-ws) client as small as the protocol, for tests that need to
 * see exactly what the server sends for each subscription id. Resolves once the server has
 * acknowledged connection_init; rejects with the close code if it refused it.
 */
export async function connectSubscriptions(url: string, connectionParams: Record<string, unknown> = {}): Promise<TestSubscriptionClient> {
  const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws');
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  const handlers = new Map<string, (message: { type: string; payload?: unknown }) => void>();
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: connectionParams })));
    socket.once('error', reject);
    void closed.then(({ code, reason }) => reject(new Error(`closed before acknowledging: ${code} ${reason}`)));
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; id?: string; payload?: unknown };
      if (message.type === 'connection_ack') resolve();
      else if (message.type === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
      else if (message.id) handlers.get(message.id)?.(message);
    });
  });
  let nextId = 0;
  return {
    closed,
    subscribe<T>(query: string, variables: Record<string, unknown> = {}, extensions?: Record<string, unknown>) {
      const id = String(++nextId);
      const received: SubscriptionPayload<T>[] = [];
      let taken = 0;
      const waiters: (() => void)[] = [];
      let end!: (value: SubscriptionEnd) => void;
      const ended = new Promise<SubscriptionEnd>((resolve) => (end = resolve));
      handlers.set(id, (message) => {
        if (message.type === 'next') received.push(message.payload as SubscriptionPayload<T>);
        else if (message.type === 'error') end({ kind: 'error', errors: message.payload as never });
        else if (message.type === 'complete') end({ kind: 'complete' });
        waiters.splice(0).forEach((wake) => wake());
      });
      void closed.then(() => waiters.splice(0).forEach((wake) => wake()));
      socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query, variables, ...(extensions ? { extensions } : {}) } }));
      return {
        id,
        received,
        ended,
        complete: () => socket.send(JSON.stringify({ id, type: 'complete' })),
        async next(timeoutMs = 10_000) {
          const deadline = Date.now() + timeoutMs;
          while (taken >= received.length) {
            const left = deadline - Date.now();
            if (left <= 0) throw new Error(`subscription ${id}: no payload within ${timeoutMs} ms (received ${received.length})`);
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, left);
              waiters.push(() => {
                clearTimeout(timer);
                resolve();
              });
            });
          }
          return received[taken++];
        },
      };
    },
    async close() {
      if (socket.readyState !== WebSocket.CLOSED) socket.close(1000);
      await closed;
    },
  };
}
