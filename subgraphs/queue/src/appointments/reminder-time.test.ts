import { reminderTime, type ReminderPolicy } from './reminder-time';

const berlin = 'Europe/Berlin';
const now = new Date('2027-01-01T00:00:00Z');
const policy = (reminderMinutesBefore: number, quietHoursStart: string | null = null, quietHoursEnd: string | null = null): ReminderPolicy => ({
  reminderMinutesBefore,
  quietHoursStart,
  quietHoursEnd,
});
const remind = (scheduledAt: string, p: ReminderPolicy, options: { timezone?: string; now?: Date } = {}) =>
  reminderTime({ scheduledAt: new Date(scheduledAt), now: options.now ?? now, timezone: options.timezone ?? berlin, policy: p })?.toISOString() ?? null;

describe('reminderTime', () => {
  it('is reminderMinutesBefore before the appointment without quiet hours', () => {
    // 15:00 in Berlin (CET, UTC+1) on 2027-03-10; an hour before.
    expect(remind('2027-03-10T14:00:00.000Z', policy(60))).toBe('2027-03-10T13:00:00.000Z');
    expect(remind('2027-03-10T14:00:00.000Z', policy(10080))).toBe('2027-03-03T14:00:00.000Z');
  });

  it('is the same outside the quiet hours, and at their end when inside', () => {
    // Quiet 12:00-14:00 local; an appointment at 15:00 local, 2 h before = 13:00 local: deferred to 14:00 local.
    expect(remind('2027-03-10T14:00:00.000Z', policy(120, '12:00', '14:00'))).toBe('2027-03-10T13:00:00.000Z');
    // 1 h before = 14:00 local: the end is not quiet any more.
    expect(remind('2027-03-10T14:00:00.000Z', policy(60, '12:00', '14:00'))).toBe('2027-03-10T13:00:00.000Z');
    // 12:00 local exactly is quiet (the start belongs to them).
    expect(remind('2027-03-10T14:00:00.000Z', policy(180, '12:00', '14:00'))).toBe('2027-03-10T13:00:00.000Z');
  });

  it('defers across midnight when the quiet hours wrap (21:00-08:00)', () => {
    // Appointment 10:00 local on 03-11; 12 h before = 22:00 local on 03-10, quiet: until 08:00 local on 03-11.
    expect(remind('2027-03-11T09:00:00.000Z', policy(720, '21:00', '08:00'))).toBe('2027-03-11T07:00:00.000Z');
    // 5 h before = 05:00 local on 03-11, the morning part of the same night: also 08:00 local.
    expect(remind('2027-03-11T09:00:00.000Z', policy(300, '21:00', '08:00'))).toBe('2027-03-11T07:00:00.000Z');
    // 14 h before = 20:00 local on 03-10: just before the night, as it is.
    expect(remind('2027-03-11T09:00:00.000Z', policy(840, '21:00', '08:00'))).toBe('2027-03-10T19:00:00.000Z');
  });

  it('goes just before the quiet hours began when their end would be at or after the appointment', () => {
    // Appointment 07:30 local on 03-11; 1 h before = 06:30, quiet until 08:00 (after the start): 20:59 local on 03-10.
    expect(remind('2027-03-11T06:30:00.000Z', policy(60, '21:00', '08:00'))).toBe('2027-03-10T19:59:00.000Z');
    // An appointment at the very end of the quiet hours (08:00 local): the end is not before it either.
    expect(remind('2027-03-11T07:00:00.000Z', policy(60, '21:00', '08:00'))).toBe('2027-03-10T19:59:00.000Z');
    // Booked at 21:30 local for 07:30 local: the evening before has passed too, so no reminder.
    expect(remind('2027-03-11T06:30:00.000Z', policy(60, '21:00', '08:00'), { now: new Date('2027-03-10T20:30:00.000Z') })).toBeNull();
  });

  it('ends the quiet hours at their wall-clock time on the night Berlin springs forward (and falls back)', () => {
    // 2027-03-28: 02:00 CET becomes 03:00 CEST. Appointment 09:00 CEST (07:00Z); 8 h before = 23:00Z = 00:00 CET, quiet 22:00-07:00.
    // The end is 07:00 CEST = 05:00Z, not 06:00Z as a fixed offset would give.
    expect(remind('2027-03-28T07:00:00.000Z', policy(480, '22:00', '07:00'))).toBe('2027-03-28T05:00:00.000Z');
    // Moved earlier on that night: the start was 22:00 CET on 03-27 = 21:00Z, so 20:59Z.
    expect(remind('2027-03-28T04:30:00.000Z', policy(60, '22:00', '07:00'))).toBe('2027-03-27T20:59:00.000Z');
    // 2027-10-31: 03:00 CEST becomes 02:00 CET. Appointment 09:00 CET (08:00Z); 8 h before = 00:00Z = 02:00 CEST: until 07:00 CET = 06:00Z.
    expect(remind('2027-10-31T08:00:00.000Z', policy(480, '22:00', '07:00'))).toBe('2027-10-31T06:00:00.000Z');
  });

  it('reads the quiet hours in the business’s own zone', () => {
    // 13:00Z is 22:00 in Tokyo (quiet) and 14:00 in Berlin (not).
    const p = policy(60, '21:00', '08:00');
    expect(remind('2027-03-10T14:00:00.000Z', p, { timezone: berlin })).toBe('2027-03-10T13:00:00.000Z');
    // In Tokyo the appointment is at 23:00 and the night ends after it: just before 21:00 local (12:00Z).
    expect(remind('2027-03-10T14:00:00.000Z', p, { timezone: 'Asia/Tokyo' })).toBe('2027-03-10T11:59:00.000Z');
  });

  it('sends none when reminderMinutesBefore is 0 or the time has already passed at booking', () => {
    expect(remind('2027-03-10T14:00:00.000Z', policy(0))).toBeNull();
    expect(remind('2027-03-10T14:00:00.000Z', policy(0, '21:00', '08:00'))).toBeNull();
    expect(remind('2027-03-10T14:00:00.000Z', policy(60), { now: new Date('2027-03-10T13:30:00.000Z') })).toBeNull();
    expect(remind('2027-03-10T14:00:00.000Z', policy(60), { now: new Date('2027-03-10T13:00:00.000Z') })).toBeNull();
  });
});
