import { withDeadline } from './deadline';

describe('a call with a deadline', () => {
  it('answers what the call answers, and its signal never fires afterwards', async () => {
    let seen: AbortSignal | undefined;
    const answer = await withDeadline(30, 'too slow', async (signal) => {
      seen = signal;
      return 'answer';
    });
    expect(answer).toBe('answer');
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(seen?.aborted).toBe(false);
  });

  it('aborts a call that outlasts it, with the reason given', async () => {
    const call = withDeadline(
      20,
      'The peer did not answer within 20 ms.',
      (signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true })),
    );
    await expect(call).rejects.toThrow('The peer did not answer within 20 ms.');
  });

  it("passes the call's own failure on, and clears the timer all the same", async () => {
    let seen: AbortSignal | undefined;
    const call = withDeadline(30, 'too slow', async (signal) => {
      seen = signal;
      throw new Error('refused');
    });
    await expect(call).rejects.toThrow('refused');
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(seen?.aborted).toBe(false);
  });
});
