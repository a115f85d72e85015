import { parseAvailabilityWeek } from './availability-input';

const badInput = (field: string) => expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field } });
const week = (intervals: { weekday: number; startsAt: string; endsAt: string }[], dates: { validFrom?: string | null; validUntil?: string | null } = {}) =>
  parseAvailabilityWeek({ intervals, ...dates });

describe('parseAvailabilityWeek', () => {
  it('sorts a day with a lunch break and a window ending at midnight, in minutes', () => {
    expect(
      week([
        { weekday: 5, startsAt: '20:00', endsAt: '24:00' },
        { weekday: 0, startsAt: '13:00', endsAt: '17:00' },
        { weekday: 0, startsAt: '09:00', endsAt: '12:00' },
      ]),
    ).toEqual({
      intervals: [
        { weekday: 0, startsAt: 540, endsAt: 720 },
        { weekday: 0, startsAt: 780, endsAt: 1020 },
        { weekday: 5, startsAt: 1200, endsAt: 1440 },
      ],
      validFrom: null,
      validUntil: null,
    });
  });

  it('accepts an empty week (removes the windows) and windows that touch', () => {
    expect(week([]).intervals).toEqual([]);
    expect(
      week([
        { weekday: 2, startsAt: '09:00', endsAt: '12:00' },
        { weekday: 2, startsAt: '12:00', endsAt: '13:00' },
      ]).intervals,
    ).toHaveLength(2);
    // The same hours on two days do not overlap.
    expect(
      week([
        { weekday: 1, startsAt: '09:00', endsAt: '12:00' },
        { weekday: 2, startsAt: '09:00', endsAt: '12:00' },
      ]).intervals,
    ).toHaveLength(2);
  });

  it('refuses overlapping windows of a day, naming the day and both windows', () => {
    expect(() =>
      week([
        { weekday: 3, startsAt: '09:00', endsAt: '12:00' },
        { weekday: 3, startsAt: '08:00', endsAt: '09:30' },
      ]),
    ).toThrow(
      expect.objectContaining({
        code: 'BAD_USER_INPUT',
        message: 'intervals overlap on Thursday: 08:00-09:30 and 09:00-12:00.',
        details: { field: 'intervals' },
      }),
    );
    expect(() =>
      week([
        { weekday: 6, startsAt: '10:00', endsAt: '11:00' },
        { weekday: 6, startsAt: '10:00', endsAt: '11:00' },
      ]),
    ).toThrow(badInput('intervals'));
  });

  it('refuses windows that end before they start, bad times and bad weekdays, naming the field', () => {
    expect(() => week([{ weekday: 0, startsAt: '22:00', endsAt: '02:00' }])).toThrow(badInput('intervals[0].endsAt'));
    expect(() =>
      week([
        { weekday: 0, startsAt: '09:00', endsAt: '10:00' },
        { weekday: 0, startsAt: '11:00', endsAt: '11:00' },
      ]),
    ).toThrow(badInput('intervals[1].endsAt'));
    expect(() => week([{ weekday: 0, startsAt: '24:00', endsAt: '24:00' }])).toThrow(badInput('intervals[0].startsAt'));
    expect(() => week([{ weekday: 0, startsAt: '9:00', endsAt: '10:00' }])).toThrow(badInput('intervals[0].startsAt'));
    expect(() => week([{ weekday: 0, startsAt: '09:00', endsAt: '24:30' }])).toThrow(badInput('intervals[0].endsAt'));
    expect(() => week([{ weekday: 7, startsAt: '09:00', endsAt: '10:00' }])).toThrow(badInput('intervals[0].weekday'));
    expect(() => week([{ weekday: -1, startsAt: '09:00', endsAt: '10:00' }])).toThrow(badInput('intervals[0].weekday'));
  });

  it('refuses more windows than any real week holds', () => {
    const many = Array.from({ length: 201 }, (_, i) => ({ weekday: i % 7, startsAt: '09:00', endsAt: '10:00' }));
    expect(() => week(many)).toThrow(badInput('intervals'));
  });

  it('takes an optional validity period of calendar dates, both ends inclusive', () => {
    const one = [{ weekday: 0, startsAt: '09:00', endsAt: '10:00' }];
    expect(week(one, { validFrom: '2027-01-01', validUntil: '2027-01-01' })).toMatchObject({ validFrom: '2027-01-01', validUntil: '2027-01-01' });
    expect(week(one, { validUntil: '2027-06-30' })).toMatchObject({ validFrom: null, validUntil: '2027-06-30' });
    expect(() => week(one, { validFrom: '2027-02-01', validUntil: '2027-01-31' })).toThrow(badInput('validUntil'));
    expect(() => week(one, { validFrom: '2027-02-30' })).toThrow(badInput('validFrom'));
    expect(() => week(one, { validUntil: '2027-1-5' })).toThrow(badInput('validUntil'));
    expect(() => week(one, { validFrom: '2027-01-01T00:00' })).toThrow(badInput('validFrom'));
  });
});
