/**
 * Runs `call` with a signal that aborts after `ms` (with `message` as the reason), and clears
 * the timer as soon as the call settles. AbortSignal.timeout() is not used for calls between
 * services: its timer outlives the call and fires anyway, making its TimeoutError and aborting
 * a call long finished (Node's fetch still cancels the spent body), so every call left work
 * behind for seconds later (loadtests/subscriptions/RESULTS.md: a thousand subscribes).
 * Like AbortSignal.timeout's, the timer does not keep the process alive.
 */
export async function withDeadline<T>(ms: number, message: string, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(message)), ms);
  timer.unref();
  try {
    return await call(controller.signal);
  } finally {
    clearTimeout(timer);
  }
}
