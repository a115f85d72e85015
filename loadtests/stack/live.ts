/**
 * Customers watching their own visit live: each a WebSocket of its own (subscriptions/clients.ts)
 * subscribed to the app's trusted PwaVisitUpdated by id. The mix offers every visit a join
 * made; up to `target` are watched at once, each until its visit ends. Delivery latency is
 * from the event's time in the log (`at`) to its arrival at the socket.
 */
import { closeAll, openConnections, subscribe, type BenchSocket } from '../subscriptions/clients';
import { operationId } from './app-mix';

const ended = new Set(['DONE', 'CANCELLED', 'NO_SHOW']);

export interface LiveWindow {
  open: number;
  deliveries: number;
  deliveryMs: number[];
  errors: number;
}

export class LiveSubscribers {
  private readonly sockets = new Set<BenchSocket>();
  private opening = 0;
  private window: LiveWindow = { open: 0, deliveries: 0, deliveryMs: [], errors: 0 };
  private readonly id = operationId('PwaVisitUpdated');

  constructor(
    private readonly api: string,
    private readonly target: number,
  ) {}

  /** Watches this visit if fewer than `target` are watched. */
  offer(visit: { id: string; token: string }): void {
    if (this.sockets.size + this.opening >= this.target) return;
    this.opening += 1;
    openConnections(this.api, 1)
      .then(([socket]) => {
        this.sockets.add(socket);
        socket.onNext = (payload, receivedAt) => {
          const update = payload.data?.visitUpdated as { at: string; visit: { status: string } } | undefined;
          if (!update) return void (this.window.errors += 1);
          this.window.deliveries += 1;
          this.window.deliveryMs.push(receivedAt - Date.parse(update.at));
          if (ended.has(update.visit.status)) this.close(socket);
        };
        socket.ws.on('close', () => this.sockets.delete(socket));
        // After the handshake an error is counted (and its close follows), never thrown.
        socket.ws.on('error', () => void (this.window.errors += 1));
        subscribe(socket, '1', '', { id: visit.id, visitToken: visit.token }, this.id);
      })
      .catch(() => void (this.window.errors += 1))
      .finally(() => (this.opening -= 1));
  }

  /** What arrived since the last call. */
  takeWindow(): LiveWindow {
    const window = { ...this.window, open: this.sockets.size };
    this.window = { open: 0, deliveries: 0, deliveryMs: [], errors: 0 };
    return window;
  }

  private close(socket: BenchSocket): void {
    this.sockets.delete(socket);
    socket.ws.close(1000);
  }

  async closeAll(): Promise<void> {
    await closeAll([...this.sockets]);
    this.sockets.clear();
  }
}
