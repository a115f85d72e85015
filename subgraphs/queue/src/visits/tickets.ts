/** Ticket prefixes are what a customer reads off a screen: one to three capital letters. */
export const ticketPrefixPattern = /^[A-Z]{1,3}$/;

/** `A-001`, `A-042`, `A-1000`: at least three digits, more once a day passes 999 tickets. */
export function formatTicket(prefix: string, number: number): string {
  if (!Number.isInteger(number) || number < 1) throw new RangeError(`A ticket number is a positive integer; got ${number}.`);
  return `${prefix}-${String(number).padStart(3, '0')}`;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * The calendar day (`YYYY-MM-DD`) of `instant` in the business's zone: tickets restart at
 * local midnight, not at UTC midnight.
 */
export function localDay(instant: Date, timeZone: string): string {
  const parts = formatterFor(timeZone).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year').padStart(4, '0')}-${part('month')}-${part('day')}`;
}

/** The `@db.Date` value Prisma expects for a `YYYY-MM-DD` day. */
export function dayAsDate(day: string): Date {
  return new Date(`${day}T00:00:00.000Z`);
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}
