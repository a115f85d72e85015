import { waitsInLine } from './estimates';
import { appointmentPlace, type WaitingPlace } from './line';
import { createLine, lineTimeOfCheckIn, onTimeToleranceMs, positionIn } from './positions';

// 10:00 on a business day, and minutes around it.
const at = (minute: number) => new Date(Date.UTC(2026, 0, 15, 10, 0) + minute * 60_000);
const walkIn = (id: string, joinedMinute: number, ticketNumber: number, priority = 0): WaitingPlace => ({
  id,
  priority,
  lineAt: at(joinedMinute),
  ticketNumber,
  serviceId: null,
  expectedServiceMinutes: 10,
});
/** An appointment for 10:00 (minute 0) that checked in at `checkedInMinute`. */
const checkedIn = (id: string, scheduledMinute: number, checkedInMinute: number, ticketNumber: number): WaitingPlace => ({
  ...walkIn(id, 0, ticketNumber),
  lineAt: lineTimeOfCheckIn(at(scheduledMinute), at(checkedInMinute)),
});

describe('the line time of a checked-in appointment', () => {
  it('is the scheduled time when it checks in early or on time', () => {
    expect(lineTimeOfCheckIn(at(0), at(-20))).toEqual(at(0));
    expect(lineTimeOfCheckIn(at(0), at(0))).toEqual(at(0));
    expect(lineTimeOfCheckIn(at(0), new Date(at(0).getTime() + onTimeToleranceMs - 1))).toEqual(at(0));
  });

  it('is the check-in time from five minutes late on', () => {
    expect(lineTimeOfCheckIn(at(0), new Date(at(0).getTime() + onTimeToleranceMs))).toEqual(new Date(at(0).getTime() + onTimeToleranceMs));
    expect(lineTimeOfCheckIn(at(0), at(30))).toEqual(at(30));
  });
});

describe('one line of appointments and walk-ins', () => {
  it('puts an on-time appointment behind the walk-ins who came before its time and ahead of those after', () => {
    const line = createLine([walkIn('after', 2, 3), checkedIn('appointment', 0, 3, 4), walkIn('before', -5, 1), walkIn('justBefore', -1, 2)]);
    expect(line.places.map((place) => place.id)).toEqual(['before', 'justBefore', 'appointment', 'after']);
  });

  it('does not let an early check-in jump ahead of walk-ins who come before its time', () => {
    // Checked in at 9:40 for 10:00; a walk-in arrives at 9:50.
    const line = createLine([checkedIn('early', 0, -20, 1), walkIn('walkIn', -10, 2)]);
    expect(line.places.map((place) => place.id)).toEqual(['walkIn', 'early']);
  });

  it('ranks a late appointment by its check-in time, like a walk-in arriving then', () => {
    const line = createLine([checkedIn('late', 0, 12, 5), walkIn('at5', 5, 2), walkIn('at10', 10, 3), walkIn('at15', 15, 4)]);
    expect(line.places.map((place) => place.id)).toEqual(['at5', 'at10', 'late', 'at15']);
    expect(positionIn(line, 'late')).toBe(3);
  });

  it('still serves a higher priority first, whatever the times', () => {
    const line = createLine([checkedIn('appointment', 0, 0, 1), walkIn('urgent', 30, 2, 5)]);
    expect(line.places.map((place) => place.id)).toEqual(['urgent', 'appointment']);
  });
});

describe('booked appointments in the estimates', () => {
  const none = new Map<string, number>();
  const booked = (id: string, scheduledMinute: number) =>
    appointmentPlace({ ...walkIn(id, 0, 0), ticketNumber: null, scheduledAt: at(scheduledMinute), expectedServiceMinutes: 20 });

  it('count for the visits whose line time is after theirs, and take no position', () => {
    // Walk-ins joined at 9:50 and 10:10; an appointment is booked for 10:00 and not checked in.
    const line = createLine([walkIn('first', -10, 1), walkIn('second', 10, 2)], [booked('appointment', 0)]);
    const waits = waitsInLine(line, none, 1);
    expect(waits.get('first')).toEqual({ position: 1, estimatedWaitMinutes: 0 });
    // Behind the first walk-in (10) and the appointment due before it joined (20).
    expect(waits.get('second')).toEqual({ position: 2, estimatedWaitMinutes: 30 });
    expect(waits.has('appointment')).toBe(false);
    expect(positionIn(line, 'appointment')).toBeNull();
  });

  it('do not count for a visit that stood in the line before their time', () => {
    const line = createLine([walkIn('only', -10, 1), walkIn('next', -5, 2)], [booked('later', 60), booked('muchLater', 120)]);
    expect(waitsInLine(line, none, 1).get('next')).toEqual({ position: 2, estimatedWaitMinutes: 10 });
  });

  it('are shared among the counters like the visits ahead', () => {
    const line = createLine([walkIn('a', -10, 1), walkIn('b', 30, 2)], [booked('x', 0), booked('y', 5)]);
    // Ahead of b: a (10) + x (20) + y (20) = 50 minutes of work over 2 counters.
    expect(waitsInLine(line, none, 2).get('b')).toEqual({ position: 2, estimatedWaitMinutes: 25 });
  });

  it('agree with an appointment checked in on time at its scheduled place', () => {
    // Whether the 10:00 appointment has checked in (on time) or not, the 10:10 walk-in waits the same.
    const before = createLine([walkIn('first', -10, 1), walkIn('second', 10, 2)], [booked('appointment', 0)]);
    const after = createLine([walkIn('first', -10, 1), walkIn('second', 10, 2), { ...checkedIn('appointment', 0, 2, 3), expectedServiceMinutes: 20 }]);
    expect(waitsInLine(after, none, 1).get('second')?.estimatedWaitMinutes).toBe(waitsInLine(before, none, 1).get('second')?.estimatedWaitMinutes);
  });
});
