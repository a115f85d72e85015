/** What the line needs to know about a visit to order it. */
export interface LinePlace {
  id: string;
  priority: number;
  /** Where the visit stands in the line (Visit.lineAt): see lineTimeOfCheckIn for appointments. */
  lineAt: Date | null;
  ticketNumber: number | null;
}

const time = (date: Date | null) => (date ? date.getTime() : Number.POSITIVE_INFINITY);
const ticket = (number: number | null) => number ?? Number.POSITIVE_INFINITY;

/** How late an appointment may check in and still keep its scheduled place in the line. */
export const onTimeToleranceMs = 5 * 60_000;

/**
 * The line time of an appointment that checks in, the one rule that mixes appointments and
 * walk-ins (a walk-in's line time is its join time). An appointment that checks in on time,
 * early or at most five minutes after its scheduled time, ranks by its scheduled time: it goes
 * ahead of the walk-ins who came after its slot began and behind those who came before. A late
 * one ranks by its check-in time, like a walk-in arriving then. An early check-in does not jump
 * ahead: its line time is still the scheduled one, which may be in the future.
 */
export function lineTimeOfCheckIn(scheduledAt: Date, checkedInAt: Date): Date {
  return checkedInAt.getTime() < scheduledAt.getTime() + onTimeToleranceMs ? scheduledAt : checkedInAt;
}

/**
 * The order in which waiting visits are called: higher priority first, then the earlier line
 * time, then the lower ticket; the id only makes the order total. Every ordering of the line
 * uses these keys: readLines (line.ts), the staff line's page (line-read.ts), callNext's SQL
 * (visit-service.ts), the events' line (events/revive.ts, which calls this); keep them in step.
 */
export function compareLine(a: LinePlace, b: LinePlace): number {
  return (
    b.priority - a.priority || time(a.lineAt) - time(b.lineAt) || ticket(a.ticketNumber) - ticket(b.ticketNumber) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

export function orderLine<T extends LinePlace>(places: readonly T[]): T[] {
  return [...places].sort(compareLine);
}

/**
 * An ordered line with its index, so each visit's position is found in constant time.
 * `appointments` are booked appointments expected to enter the line at their scheduled time:
 * they count in the estimates of the visits they will stand ahead of, never in positions.
 */
export interface Line<T extends LinePlace> {
  places: readonly T[];
  appointments: readonly T[];
  indexById: ReadonlyMap<string, number>;
}

export function createLine<T extends LinePlace>(places: readonly T[], appointments: readonly T[] = []): Line<T> {
  const ordered = orderLine(places);
  return { places: ordered, appointments: orderLine(appointments), indexById: new Map(ordered.map((place, index) => [place.id, index])) };
}

/** The 1-based rank of a visit in the line, or null when it is not waiting in it. */
export function positionIn(line: Line<LinePlace>, visitId: string): number | null {
  const index = line.indexById.get(visitId);
  return index === undefined ? null : index + 1;
}
