import { latestEstimateChanges, type LineRows } from './latest-estimates';

// As PostgreSQL's json_build_array writes timestamp(3): UTC without a zone.
const at = (minute: number) => new Date(Date.UTC(2026, 0, 15, 10, 0) + minute * 60_000).toISOString().slice(0, -1);

describe('latest estimates kept current', () => {
  const rows = (latest: (number | null)[], appointments: LineRows['appointments'] = []): LineRows => ({
    businessId: 'b',
    notifyAtPosition: 3,
    named: [],
    countersOpen: 1,
    serviceTimes: { '*': 600 },
    waiting: [
      ['b', 0, at(2), 2, null, null, latest[1]],
      ['a', 0, at(1), 1, null, null, latest[0]],
      ['c', 0, at(3), 3, null, null, latest[2]],
    ],
    appointments,
  });

  it('gives every waiting visit its wait in the line as it is now, writing only those that changed', () => {
    // The head was called: each moved up one place (10 minutes each at the business average).
    expect(latestEstimateChanges(rows([10, 20, 30]))).toEqual({ ids: ['b', 'a', 'c'], minutes: [10, 0, 20] });
    expect(latestEstimateChanges(rows([0, 10, 30]))).toEqual({ ids: ['c'], minutes: [20] });
    expect(latestEstimateChanges(rows([0, 10, 20]))).toEqual({ ids: [], minutes: [] });
  });

  it('writes a first value where there was none', () => {
    expect(latestEstimateChanges(rows([0, 10, null]))).toEqual({ ids: ['c'], minutes: [20] });
  });

  it("counts a booked appointment due before a visit joined in that visit's wait", () => {
    // Due at 10:01:30, 25 minutes of service: ahead of b (10:02) and c, behind a (10:01).
    const appointment: LineRows['appointments'][number] = ['appt', 0, at(1.5), null, null, 25, null];
    expect(latestEstimateChanges(rows([0, 10, 20], [appointment]))).toEqual({ ids: ['b', 'c'], minutes: [35, 45] });
  });
});
