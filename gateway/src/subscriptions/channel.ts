/**
 * A push-based async iterator: the producer pushes values as events arrive, graphql-ws pulls
 * them one at a time (awaiting each send). `return()` — the client completed, or the socket
 * closed — ends it and runs `onClose` once, whoever ends it.
 */
export interface Channel<T> extends AsyncIterableIterator<T> {
  return(): Promise<IteratorResult<T>>;
  /** `weighed` false: a value that does not count against the reader (a replay it asked for). */
  push(value: T, weighed?: boolean): void;
  /** Ends after the values already pushed have been pulled. */
  end(): void;
  readonly closed: boolean;
  /** Values pushed and not yet pulled. */
  readonly pending: number;
  /** What the values waiting to be pulled weigh (by `sizeOf`; 0 without it). */
  readonly queuedBytes: number;
}

export interface ChannelOptions<T> {
  /** What a value weighs once sent; asked only for values that must wait (the reader is behind). */
  sizeOf?: (value: T) => number;
  /** A value had to wait: the reader is behind (a client that reads slowly). */
  onQueued?: () => void;
  /**
   * Writes a weighed value at once instead of handing it to the reader waiting for it (the
   * socket's own send, skipping the reader's machinery); false when it could not, and the
   * reader gets it. Asked only while the reader waits, so nothing pushed earlier is overtaken.
   */
  sendNow?: (value: T) => boolean;
}

export function createChannel<T>(onClose: () => void, options: ChannelOptions<T> = {}): Channel<T> {
  const values: T[] = [];
  const sizes: number[] = [];
  const waiting: ((result: IteratorResult<T>) => void)[] = [];
  let ending = false;
  let closed = false;
  let queuedBytes = 0;
  const close = () => {
    if (closed) return;
    closed = true;
    values.length = 0;
    sizes.length = 0;
    queuedBytes = 0;
    for (const resolve of waiting.splice(0)) resolve({ value: undefined, done: true });
    onClose();
  };
  const channel: Channel<T> = {
    push(value, weighed = true) {
      if (closed || ending) return;
      if (weighed && waiting.length > 0 && options.sendNow?.(value)) return;
      const resolve = waiting.shift();
      if (resolve) return resolve({ value, done: false });
      values.push(value);
      const size = weighed ? (options.sizeOf?.(value) ?? 0) : 0;
      sizes.push(size);
      queuedBytes += size;
      if (weighed) options.onQueued?.();
    },
    end() {
      ending = true;
      if (values.length === 0) close();
    },
    get closed() {
      return closed;
    },
    get pending() {
      return values.length;
    },
    get queuedBytes() {
      return queuedBytes;
    },
    next() {
      if (values.length > 0) {
        const value = values.shift() as T;
        queuedBytes -= sizes.shift() ?? 0;
        if (ending && values.length === 0) queueMicrotask(close);
        return Promise.resolve({ value, done: false });
      }
      if (closed) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => waiting.push(resolve));
    },
    return() {
      close();
      return Promise.resolve({ value: undefined, done: true });
    },
    throw(error?: unknown) {
      close();
      return Promise.reject(error);
    },
    [Symbol.asyncIterator]() {
      return channel;
    },
  };
  return channel;
}
