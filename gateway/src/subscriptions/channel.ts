/**
 * A push-based async iterator: the producer pushes values as events arrive, graphql-ws pulls
 * them one at a time (awaiting each send). `return()` — the client completed, or the socket
 * closed — ends it and runs `onClose` once, whoever ends it.
 */
export interface Channel<T> extends AsyncIterableIterator<T> {
  return(): Promise<IteratorResult<T>>;
  push(value: T): void;
  /** Ends after the values already pushed have been pulled. */
  end(): void;
  readonly closed: boolean;
  /** Values pushed and not yet pulled. */
  readonly pending: number;
}

export function createChannel<T>(onClose: () => void): Channel<T> {
  const values: T[] = [];
  const waiting: ((result: IteratorResult<T>) => void)[] = [];
  let ending = false;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    values.length = 0;
    for (const resolve of waiting.splice(0)) resolve({ value: undefined, done: true });
    onClose();
  };
  const channel: Channel<T> = {
    push(value) {
      if (closed || ending) return;
      const resolve = waiting.shift();
      if (resolve) resolve({ value, done: false });
      else values.push(value);
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
    next() {
      if (values.length > 0) {
        const value = values.shift() as T;
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
