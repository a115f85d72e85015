import WebSocket from 'ws';

/** One subscriber: a WebSocket of its own, as a phone would have. */
export interface BenchSocket {
  ws: WebSocket;
  /** Called with each `next` payload and when it arrived (epoch ms, sub-millisecond). */
  onNext?: (payload: { data?: Record<string, unknown>; errors?: unknown[] }, receivedAt: number) => void;
  errors: unknown[];
}

const now = () => performance.timeOrigin + performance.now();

/**
 * Opens graphql-ws connections, `concurrency` handshakes at a time, each resolved once the
 * gateway acknowledged connection_init. Minimal on purpose: thousands of them share the
 * bench's process with its measurements.
 */
export async function openConnections(url: string, count: number, params: Record<string, unknown> = {}, concurrency = 200): Promise<BenchSocket[]> {
  const sockets: BenchSocket[] = [];
  for (let start = 0; start < count; start += concurrency) {
    const wave = Array.from({ length: Math.min(concurrency, count - start) }, () => openOne(url, params));
    sockets.push(...(await Promise.all(wave)));
  }
  return sockets;
}

function openOne(url: string, params: Record<string, unknown>): Promise<BenchSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws', { perMessageDeflate: false });
    const socket: BenchSocket = { ws, errors: [] };
    ws.once('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: params })));
    ws.once('error', reject);
    ws.once('close', (code) => reject(new Error(`closed during the handshake: ${code}`)));
    ws.on('message', (data) => {
      const receivedAt = now();
      const message = JSON.parse(String(data)) as { type: string; payload?: unknown };
      if (message.type === 'next') socket.onNext?.(message.payload as never, receivedAt);
      else if (message.type === 'connection_ack') resolve(socket);
      else if (message.type === 'ping') ws.send('{"type":"pong"}');
      else if (message.type === 'error') socket.errors.push(message.payload);
    });
  });
}

/** With `persistedId`, the trusted document of that manifest id (the query is then empty). */
export function subscribe(socket: BenchSocket, id: string, query: string, variables: Record<string, unknown>, persistedId?: string): void {
  const extensions = persistedId ? { persistedQuery: { version: 1, sha256Hash: persistedId } } : undefined;
  socket.ws.send(JSON.stringify({ id, type: 'subscribe', payload: { query, variables, extensions } }));
}

export async function closeAll(sockets: BenchSocket[]): Promise<void> {
  await Promise.all(
    sockets.map(
      (socket) =>
        new Promise<void>((resolve) => {
          if (socket.ws.readyState === WebSocket.CLOSED) return resolve();
          socket.ws.removeAllListeners('close');
          socket.ws.once('close', () => resolve());
          socket.ws.close(1000);
        }),
    ),
  );
}
