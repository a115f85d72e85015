import { assertAcceptsVisits, assertHasRoom, planQueueStatus } from './queue-status';

describe('queue status', () => {
  it('pauses an open queue and resumes a paused one', () => {
    expect(planQueueStatus('OPEN', 'pause')).toEqual({ kind: 'change', to: 'PAUSED' });
    expect(planQueueStatus('PAUSED', 'resume')).toEqual({ kind: 'change', to: 'OPEN' });
  });

  it('closes an open or paused queue and opens a closed one', () => {
    expect(planQueueStatus('PAUSED', 'close')).toMatchObject({ kind: 'change', to: 'CLOSED' });
    expect(planQueueStatus('CLOSED', 'open')).toMatchObject({ kind: 'change', to: 'OPEN' });
  });

  it('leaves a queue already in the asked state unchanged', () => {
    expect(planQueueStatus('PAUSED', 'pause')).toEqual({ kind: 'unchanged' });
    expect(planQueueStatus('CLOSED', 'close')).toEqual({ kind: 'unchanged' });
  });

  it('refuses to pause or resume a closed queue', () => {
    expect(() => planQueueStatus('CLOSED', 'pause')).toThrow(expect.objectContaining({ code: 'INVALID_TRANSITION' }));
    expect(() => planQueueStatus('CLOSED', 'resume')).toThrow(/CLOSED/);
  });

  it('takes visits only when open', () => {
    expect(() => assertAcceptsVisits('OPEN')).not.toThrow();
    expect(() => assertAcceptsVisits('PAUSED')).toThrow(expect.objectContaining({ code: 'QUEUE_CLOSED' }));
    expect(() => assertAcceptsVisits('CLOSED')).toThrow(expect.objectContaining({ code: 'QUEUE_CLOSED' }));
  });

  it('is full when the waiting visits reach the capacity; null means no limit', () => {
    expect(() => assertHasRoom(2, 1)).not.toThrow();
    expect(() => assertHasRoom(2, 2)).toThrow(expect.objectContaining({ code: 'QUEUE_FULL' }));
    expect(() => assertHasRoom(null, 10_000)).not.toThrow();
  });
});
