import { formatTime, parseTime, toIntervalOutput, validateOpeningHours } from './opening-hours';

const badInput = (field: string) => expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field } });

describe('validateOpeningHours', () => {
  it('sorts a week with a lunch break and a late day ending at midnight', () => {
    const week = validateOpeningHours([
      { weekday: 4, opensAt: '18:00', closesAt: '24:00' },
      { weekday: 0, opensAt: '13:00', closesAt: '17:30' },
      { weekday: 0, opensAt: '08:00', closesAt: '12:00' },
    ]);
    expect(week).toEqual([
      { weekday: 0, opensAt: 480, closesAt: 720 },
      { weekday: 0, opensAt: 780, closesAt: 1050 },
      { weekday: 4, opensAt: 1080, closesAt: 1440 },
    ]);
    expect(week.map(toIntervalOutput)[2]).toEqual({ weekday: 4, opensAt: '18:00', closesAt: '24:00' });
  });

  it('accepts an empty week (closed) and touching intervals', () => {
    expect(validateOpeningHours([])).toEqual([]);
    expect(
      validateOpeningHours([
        { weekday: 1, opensAt: '09:00', closesAt: '12:00' },
        { weekday: 1, opensAt: '12:00', closesAt: '13:00' },
      ]),
    ).toHaveLength(2);
  });

  it('refuses overlapping intervals of a day, naming the day', () => {
    expect(() =>
      validateOpeningHours([
        { weekday: 2, opensAt: '09:00', closesAt: '12:00' },
        { weekday: 2, opensAt: '11:30', closesAt: '14:00' },
      ]),
    ).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', message: 'intervals overlap on Wednesday: 09:00-12:00 and 11:30-14:00.' }));
  });

  it('refuses intervals that close before they open, and bad weekdays', () => {
    expect(() => validateOpeningHours([{ weekday: 0, opensAt: '22:00', closesAt: '02:00' }])).toThrow(badInput('intervals[0].closesAt'));
    expect(() => validateOpeningHours([{ weekday: 0, opensAt: '09:00', closesAt: '09:00' }])).toThrow(badInput('intervals[0].closesAt'));
    expect(() => validateOpeningHours([{ weekday: 7, opensAt: '09:00', closesAt: '10:00' }])).toThrow(badInput('intervals[0].weekday'));
  });
});

describe('parseTime', () => {
  it.each(['9:00', '24:00', '12:60', '25:00', '12:00:00', 'noon'])('refuses %s as an opening time', (value) => {
    expect(() => parseTime('opensAt', value, false)).toThrow(badInput('opensAt'));
  });

  it('allows 24:00 only as a closing time and formats back', () => {
    expect(parseTime('closesAt', '24:00', true)).toBe(1440);
    expect(formatTime(parseTime('opensAt', '07:05', false))).toBe('07:05');
  });
});
