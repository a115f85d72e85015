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

  it('writes a live value at once while the reader waits, and never past values still waiting or a replay', async () => {
    const sent: string[] = [];
    let accept = true;
    const channel = createChannel<string>(() => undefined, { sendNow: (value) => accept && sent.push(value) > 0 });
    channel.push('queued first');
    channel.push('queued second');
    expect(sent).toEqual([]);
    expect(await channel.next()).toEqual({ value: 'queued first', done: false });
    expect(await channel.next()).toEqual({ value: 'queued second', done: false });

    const pulled = channel.next();
    channel.push('live');
    channel.push('replayed', false);
    expect(sent).toEqual(['live']);
    expect(await pulled).toEqual({ value: 'replayed', done: false });

    const next = channel.next();
    accept = false;
    channel.push('when the socket cannot take it');
    expect(await next).toEqual({ value: 'when the socket cannot take it', done: false });
  });
});
