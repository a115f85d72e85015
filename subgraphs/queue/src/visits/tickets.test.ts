import { dayAsDate, formatTicket, isValidTimeZone, localDay, ticketPrefixPattern } from './tickets';

describe('formatTicket', () => {
  it('pads to three digits and grows past 999', () => {
    expect(formatTicket('A', 1)).toBe('A-001');
    expect(formatTicket('A', 42)).toBe('A-042');
    expect(formatTicket('XYZ', 999)).toBe('XYZ-999');
    expect(formatTicket('A', 1000)).toBe('A-1000');
  });

  it('refuses numbers that are not positive integers', () => {
    expect(() => formatTicket('A', 0)).toThrow(RangeError);
    expect(() => formatTicket('A', 1.5)).toThrow(RangeError);
  });

  it('accepts one to three capital letters as a prefix', () => {
    expect(['A', 'AB', 'ABC'].every((p) => ticketPrefixPattern.test(p))).toBe(true);
    expect(['', 'a', 'ABCD', 'A1', 'É'].some((p) => ticketPrefixPattern.test(p))).toBe(false);
  });
});

describe('localDay', () => {
  it('is the calendar day in the business zone, not in UTC', () => {
    const instant = new Date('2026-03-10T23:30:00Z');
    expect(localDay(instant, 'UTC')).toBe('2026-03-10');
    expect(localDay(instant, 'Europe/Berlin')).toBe('2026-03-11');
    expect(localDay(instant, 'America/Los_Angeles')).toBe('2026-03-10');
    expect(localDay(instant, 'Pacific/Kiritimati')).toBe('2026-03-11');
  });

  it('turns over exactly at local midnight', () => {
    // Berlin is UTC+1 in January: local midnight is 23:00 UTC.
    expect(localDay(new Date('2026-01-14T22:59:59.999Z'), 'Europe/Berlin')).toBe('2026-01-14');
    expect(localDay(new Date('2026-01-14T23:00:00.000Z'), 'Europe/Berlin')).toBe('2026-01-15');
    // New York is UTC-5 in January: local midnight is 05:00 UTC.
    expect(localDay(new Date('2026-01-15T04:59:59Z'), 'America/New_York')).toBe('2026-01-14');
    expect(localDay(new Date('2026-01-15T05:00:00Z'), 'America/New_York')).toBe('2026-01-15');
  });

  it('follows daylight saving time and year ends', () => {
    // Berlin is UTC+2 in July.
    expect(localDay(new Date('2026-07-01T21:59:00Z'), 'Europe/Berlin')).toBe('2026-07-01');
    expect(localDay(new Date('2026-07-01T22:00:00Z'), 'Europe/Berlin')).toBe('2026-07-02');
    expect(localDay(new Date('2026-12-31T20:00:00Z'), 'Asia/Tokyo')).toBe('2027-01-01');
    expect(localDay(new Date('2026-12-31T12:00:00Z'), 'Asia/Kolkata')).toBe('2026-12-31');
    expect(localDay(new Date('2026-12-31T18:30:00Z'), 'Asia/Kolkata')).toBe('2027-01-01');
  });

  it('maps a day to the UTC midnight Prisma stores in a date column', () => {
    expect(dayAsDate('2026-03-11').toISOString()).toBe('2026-03-11T00:00:00.000Z');
  });

  it('knows valid IANA zones from made-up ones', () => {
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});
