import { createChannel } from './channel';

describe('what waits in a channel', () => {
  it('weighs the values that wait for a slow reader, not those handed to a waiting one nor a replay, and forgets them once pulled or closed', async () => {
    let queued = 0;
    const channel = createChannel<string>(() => undefined, { sizeOf: (value) => value.length, onQueued: () => (queued += 1) });
    const pulled = channel.next();
    channel.push('straight to the reader');
    expect(await pulled).toEqual({ value: 'straight to the reader', done: false });
    expect(channel.queuedBytes).toBe(0);

    channel.push('replayed', false);
    channel.push('abcd');
    channel.push('efghij');
    expect([channel.pending, channel.queuedBytes, queued]).toEqual([3, 10, 2]);
    await channel.next();
    await channel.next();
    expect(channel.queuedBytes).toBe(6);
    await channel.return();
    expect(channel.queuedBytes).toBe(0);
  });
});
