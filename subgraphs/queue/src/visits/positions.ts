/** What the line needs to know about a waiting visit to order it. */
export interface LinePlace {
  id: string;
  priority: number;
  joinedAt: Date | null;
  ticketNumber: number | null;
}

const time = (date: Date | null) => (date ? date.getTime() : Number.POSITIVE_INFINITY);
const ticket = (number: number | null) => number ?? Number.POSITIVE_INFINITY;

/**
 * The order in which waiting visits are called: higher priority first, then the earlier
 * arrival in the line, then the lower ticket; the id only makes the order total. callNext's
 * SQL sorts by the same keys (visit-service.ts); keep them in step.
 */
export function compareLine(a: LinePlace, b: LinePlace): number {
  return (
    b.priority - a.priority ||
    time(a.joinedAt) - time(b.joinedAt) ||
    ticket(a.ticketNumber) - ticket(b.ticketNumber) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

export function orderLine<T extends LinePlace>(places: readonly T[]): T[] {
  return [...places].sort(compareLine);
}

/** An ordered line with its index, so each visit's position is found in constant time. */
export interface Line<T extends LinePlace> {
  places: readonly T[];
  indexById: ReadonlyMap<string, number>;
}

export function createLine<T extends LinePlace>(places: readonly T[]): Line<T> {
  const ordered = orderLine(places);
  return { places: ordered, indexById: new Map(ordered.map((place, index) => [place.id, index])) };
}

/** The 1-based rank of a visit in the line, or null when it is not waiting in it. */
export function positionIn(line: Line<LinePlace>, visitId: string): number | null {
  const index = line.indexById.get(visitId);
  return index === undefined ? null : index + 1;
}
