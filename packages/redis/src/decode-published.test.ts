import { decodePublished } from './redis-event-log';

describe('a published event log entry', () => {
  it('gives its sequence and time at once and parses its data only when read', () => {
    const spy = jest.spyOn(JSON, 'parse');
    const entry = decodePublished(Buffer.from('{"sequence":7,"at":1767225600000,"data":{"queueId":"q","line":[1,2,3]}}')) as {
      sequence: number;
      at: number;
      data: unknown;
    };
    expect([entry.sequence, entry.at]).toEqual([7, 1767225600000]);
    const parsesBefore = spy.mock.calls.length;
    expect(entry.data).toEqual({ queueId: 'q', line: [1, 2, 3] });
    expect(entry.data).toBe(entry.data);
    expect(spy.mock.calls.length - parsesBefore).toBe(1);
    spy.mockRestore();
  });

  it('keeps its data apart from the buffer it was read from, which the Redis client may reuse', () => {
    const message = Buffer.from('{"sequence":8,"at":1767225600000,"data":{"queueId":"q"}}');
    const entry = decodePublished(message) as { data: unknown };
    message.fill(0x20);
    expect(entry.data).toEqual({ queueId: 'q' });
  });

  it('reads any other message as JSON', () => {
    expect(decodePublished('{"kind":"invalidate","keys":["a"]}')).toEqual({ kind: 'invalidate', keys: ['a'] });
    expect(() => decodePublished('not json')).toThrow(SyntaxError);
  });
});
