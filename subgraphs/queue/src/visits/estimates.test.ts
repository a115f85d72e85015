import { anyService, defaultServiceMinutes, estimateWaitMinutes, expectedMinutes, waitInLine } from './estimates';
import { createLine } from './positions';

const none = new Map<string, number>();

describe('expectedMinutes', () => {
  it('prefers the measured average of the service', () => {
    const times = new Map([
      ['svc', 300],
      [anyService, 900],
    ]);
    expect(expectedMinutes({ serviceId: 'svc', expectedServiceMinutes: 20 }, times)).toBe(5);
  });

  it("falls back to the service's declared duration, then the business average, then the default", () => {
    const business = new Map([[anyService, 720]]);
    expect(expectedMinutes({ serviceId: 'svc', expectedServiceMinutes: 20 }, business)).toBe(20);
    expect(expectedMinutes({ serviceId: 'svc', expectedServiceMinutes: null }, business)).toBe(12);
    expect(expectedMinutes({ serviceId: null, expectedServiceMinutes: null }, business)).toBe(12);
    expect(expectedMinutes({ serviceId: null, expectedServiceMinutes: null }, none)).toBe(defaultServiceMinutes);
  });
});

describe('estimateWaitMinutes', () => {
  const ahead = (n: number, minutes: number | null = null) => Array.from({ length: n }, () => ({ serviceId: null, expectedServiceMinutes: minutes }));

  it('is zero at the head of the line', () => {
    expect(estimateWaitMinutes([], none, 1)).toBe(0);
  });

  it('sums the visits ahead and shares them among the open counters, rounding up', () => {
    expect(estimateWaitMinutes(ahead(3), none, 1)).toBe(30);
    expect(estimateWaitMinutes(ahead(3), none, 2)).toBe(15);
    expect(estimateWaitMinutes(ahead(1, 7), none, 2)).toBe(4);
  });

  it('treats zero counters as one instead of dividing by zero', () => {
    expect(estimateWaitMinutes(ahead(2), none, 0)).toBe(20);
  });

  it('does not round float noise up a whole minute', () => {
    const times = new Map([[anyService, 0.1 * 60 * 3]]);
    expect(
      estimateWaitMinutes(
        Array.from({ length: 10 }, () => ({ serviceId: null, expectedServiceMinutes: null })),
        times,
        1,
      ),
    ).toBe(3);
  });
});

describe('waitInLine', () => {
  const at = (minute: number) => new Date(Date.UTC(2026, 0, 15, 9, minute));
  const line = createLine([
    { id: 'b', priority: 0, lineAt: at(2), ticketNumber: 2, serviceId: null, expectedServiceMinutes: 5 },
    { id: 'a', priority: 0, lineAt: at(1), ticketNumber: 1, serviceId: null, expectedServiceMinutes: 20 },
    { id: 'c', priority: 0, lineAt: at(3), ticketNumber: 3, serviceId: null, expectedServiceMinutes: null },
  ]);

  it('counts only the visits ahead', () => {
    expect(waitInLine(line, 'a', none, 1)).toEqual({ position: 1, estimatedWaitMinutes: 0 });
    expect(waitInLine(line, 'b', none, 1)).toEqual({ position: 2, estimatedWaitMinutes: 20 });
    expect(waitInLine(line, 'c', none, 1)).toEqual({ position: 3, estimatedWaitMinutes: 25 });
  });

  it('is null for a visit that is not waiting', () => {
    expect(waitInLine(line, 'gone', none, 1)).toBeNull();
  });
});
