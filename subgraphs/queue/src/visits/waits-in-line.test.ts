import { anyService, estimateWaitMinutes, waitInLine, waitsInLine } from './estimates';
import { createLine } from './positions';

// Subscribers' positions and estimates are computed in one pass over an event's line; they
// must be exactly what a query computes visit by visit (the visits ahead, summed).
describe('waitsInLine', () => {
  const randomLine = (size: number, seed: number) => {
    let state = seed;
    const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    return createLine(
      Array.from({ length: size }, (_, i) => ({
        id: `v${i}`,
        priority: next() < 0.1 ? 1 : 0,
        lineAt: new Date(Date.UTC(2026, 0, 15, 9, 0, i)),
        ticketNumber: i + 1,
        serviceId: next() < 0.5 ? 'svc' : null,
        expectedServiceMinutes: next() < 0.3 ? 7 : null,
      })),
    );
  };
  // Fractional averages are where a running total could drift from a fresh sum.
  const times = new Map([
    ['svc', 437.3],
    [anyService, 611.9],
  ]);

  it.each([1, 2, 3])('agrees with the visit-by-visit estimate for every place (%i counters)', (counters) => {
    const line = randomLine(400, counters);
    const waits = waitsInLine(line, times, counters);
    expect(waits.size).toBe(400);
    line.places.forEach((place, index) => {
      expect(waits.get(place.id)).toEqual({
        position: index + 1,
        estimatedWaitMinutes: estimateWaitMinutes(line.places.slice(0, index), times, counters),
      });
    });
  });

  it('computes a line once per statistics and counters, and again when they differ', () => {
    const line = randomLine(10, 7);
    const first = waitsInLine(line, times, 1);
    expect(waitsInLine(line, times, 1)).toBe(first);
    expect(waitsInLine(line, times, 2)).not.toBe(first);
    expect(waitsInLine(line, new Map(times), 2).get(line.places[0].id)).toEqual({ position: 1, estimatedWaitMinutes: 0 });
  });

  it('answers null for a visit that is not in the line', () => {
    expect(waitInLine(randomLine(3, 1), 'elsewhere', times, 1)).toBeNull();
  });
});
