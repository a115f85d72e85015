import { allId, dailyIncrements, localDayOf, localHourStart, noneId, rollupIncrements, type FinishedVisit } from './rollup-increments';

const at = (iso: string) => new Date(iso);

function visit(overrides: Partial<FinishedVisit>): FinishedVisit {
  return {
    id: 'v',
    businessId: 'b',
    organizationId: 'o',
    queueId: 'q',
    serviceId: null,
    calledById: null,
    status: 'DONE',
    timezone: 'UTC',
    joinedAt: at('2026-03-02T10:05:00Z'),
    scheduledAt: null,
    createdAt: at('2026-03-02T10:05:00Z'),
    calledAt: null,
    servedAt: null,
    doneAt: null,
    waitSeconds: null,
    firstEstimateMinutes: null,
    latestEstimateMinutes: null,
    ...overrides,
  };
}

describe('the business-local hour of a visit', () => {
  it('is the UTC hour in whole-hour zones', () => {
    expect(localHourStart(at('2026-03-02T10:59:59.999Z'), 'Europe/Berlin')).toEqual(at('2026-03-02T10:00:00Z'));
  });

  it('starts at half past a UTC hour in Asia/Kolkata and a quarter to in Asia/Kathmandu', () => {
    // 10:20 UTC is 15:50 in Kolkata: its hour began at 15:00 local, 09:30 UTC.
    expect(localHourStart(at('2026-03-02T10:20:00Z'), 'Asia/Kolkata')).toEqual(at('2026-03-02T09:30:00Z'));
    expect(localHourStart(at('2026-03-02T10:40:00Z'), 'Asia/Kolkata')).toEqual(at('2026-03-02T10:30:00Z'));
    // 10:20 UTC is 16:05 in Kathmandu (+05:45): 16:00 local is 10:15 UTC.
    expect(localHourStart(at('2026-03-02T10:20:00Z'), 'Asia/Kathmandu')).toEqual(at('2026-03-02T10:15:00Z'));
  });

  it('keeps the two 02:00 hours of the night clocks go back apart', () => {
    // Berlin, 25 October 2026: 02:30 CEST is 00:30 UTC, 02:30 CET is 01:30 UTC.
    expect(localHourStart(at('2026-10-25T00:30:00Z'), 'Europe/Berlin')).toEqual(at('2026-10-25T00:00:00Z'));
    expect(localHourStart(at('2026-10-25T01:30:00Z'), 'Europe/Berlin')).toEqual(at('2026-10-25T01:00:00Z'));
  });
});

describe('rollup increments', () => {
  it('count each visit once in its key, with its histograms and estimate errors', () => {
    const staff = '11111111-1111-1111-1111-111111111111';
    const served = visit({
      id: 'a',
      calledById: staff,
      calledAt: at('2026-03-02T10:12:00Z'),
      servedAt: at('2026-03-02T10:13:00Z'),
      doneAt: at('2026-03-02T10:20:30Z'),
      waitSeconds: 7 * 60 + 10,
      firstEstimateMinutes: 5,
      latestEstimateMinutes: 1,
    });
    const servedToo = visit({ ...served, id: 'b', waitSeconds: 65, firstEstimateMinutes: 3, latestEstimateMinutes: null, doneAt: at('2026-03-02T10:13:59Z') });
    const abandoned = visit({ id: 'c', status: 'CANCELLED', joinedAt: at('2026-03-02T10:40:00Z') });
    const missedAppointment = visit({ id: 'd', status: 'NO_SHOW', joinedAt: null, scheduledAt: at('2026-03-02T11:00:00Z') });
    const rows = rollupIncrements([missedAppointment, served, abandoned, servedToo]);
    expect(rows.map((row) => [row.hourStart.toISOString(), row.staffId])).toEqual([
      ['2026-03-02T10:00:00.000Z', noneId],
      ['2026-03-02T10:00:00.000Z', staff],
      ['2026-03-02T11:00:00.000Z', noneId],
    ]);
    const [left, byStaff, missed] = rows;
    expect(left).toMatchObject({ joined: 1, cancelled: 1, abandoned: 1, served: 0, waitHistogram: [] });
    expect(missed).toMatchObject({ joined: 0, noShows: 1, abandoned: 0 });
    expect(byStaff).toMatchObject({
      joined: 2,
      served: 2,
      abandoned: 0,
      waitHistogram: [0, 1, 0, 0, 0, 0, 0, 1],
      serviceHistogram: [1, 0, 0, 0, 0, 0, 0, 1],
      // |300 - 430| + |180 - 65| = 130 + 115; (300 - 430) + (180 - 65) = -15; latest |60 - 430|.
      etaSamples: 2,
      etaAbsSeconds: 245,
      etaSignedSeconds: -15,
      etaLatestSamples: 1,
      etaLatestAbsSeconds: 370,
    });
  });
});

describe('the business-local day of an hourly row', () => {
  it('numbers the 25 hours of the day clocks go back, the two 02:00 hours apart', () => {
    // Berlin, 25 October 2026 began at 22:00 UTC the day before; 23:00 CET is 22:00 UTC, its 25th hour.
    expect(localDayOf(at('2026-10-24T22:00:00Z'), 'Europe/Berlin')).toEqual({ day: '2026-10-25', hourIndex: 0, clockHour: 0 });
    expect(localDayOf(at('2026-10-25T00:00:00Z'), 'Europe/Berlin')).toEqual({ day: '2026-10-25', hourIndex: 2, clockHour: 2 });
    expect(localDayOf(at('2026-10-25T01:00:00Z'), 'Europe/Berlin')).toEqual({ day: '2026-10-25', hourIndex: 3, clockHour: 2 });
    expect(localDayOf(at('2026-10-25T22:00:00Z'), 'Europe/Berlin')).toEqual({ day: '2026-10-25', hourIndex: 24, clockHour: 23 });
    expect(localDayOf(at('2026-10-25T23:00:00Z'), 'Europe/Berlin')).toEqual({ day: '2026-10-26', hourIndex: 0, clockHour: 0 });
  });

  it('follows half-hour zones: 23:30 UTC is the next day in Asia/Kolkata', () => {
    expect(localDayOf(at('2026-03-02T18:30:00Z'), 'Asia/Kolkata')).toEqual({ day: '2026-03-03', hourIndex: 0, clockHour: 0 });
  });
});

describe('daily increments', () => {
  it('add each visit to its day at the four levels, with its hour bit and clock hour', () => {
    const staff = '11111111-1111-1111-1111-111111111111';
    const service = '22222222-2222-2222-2222-222222222222';
    const visits = [
      visit({ id: 'a', serviceId: service, calledById: staff, joinedAt: at('2026-10-25T00:30:00Z'), waitSeconds: 120 }),
      visit({ id: 'b', serviceId: service, joinedAt: at('2026-10-25T01:30:00Z'), status: 'CANCELLED' }),
    ].map((row) => ({ ...row, timezone: 'Europe/Berlin' }));
    const rows = dailyIncrements(visits);
    expect(rows.map((row) => [row.serviceId, row.staffId, row.joined, row.hoursMask, row.joinedByHour[2], row.waitHistogram])).toEqual([
      [service, noneId, 1, 0b1000, 1, []],
      [service, staff, 1, 0b100, 1, [0, 0, 1]],
      [service, allId, 2, 0b1100, 2, [0, 0, 1]],
      [allId, noneId, 1, 0b1000, 1, []],
      [allId, staff, 1, 0b100, 1, [0, 0, 1]],
      [allId, allId, 2, 0b1100, 2, [0, 0, 1]],
    ]);
    expect(new Set(rows.map((row) => row.day))).toEqual(new Set(['2026-10-25']));
    // The hourly increments of the same visits sum to the all/all row.
    expect(rollupIncrements(visits).reduce((sum, row) => sum + row.joined, 0)).toBe(2);
  });
});
