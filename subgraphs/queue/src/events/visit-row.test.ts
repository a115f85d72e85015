import type { Visit } from '@waitlessq/database';
import { eventVisitColumns, toVisit } from './visit-row';

describe('visit rows of events', () => {
  it('come back as the visit they were written from, in the order of eventVisitColumns', () => {
    const instant = (minute: number) => new Date(Date.UTC(2026, 0, 15, 9, minute, 0, 123));
    // Every column a different value, so a column read in the wrong place shows.
    const visit: Visit = {
      id: 'v-id',
      organizationId: 'org-id',
      queueId: 'queue-id',
      businessId: 'business-id',
      serviceId: 'service-id',
      customerId: 'customer-id',
      customerName: 'Ada',
      partySize: 3,
      kind: 'WALK_IN',
      source: 'KIOSK',
      status: 'CALLED',
      priority: 2,
      ticketDay: new Date(Date.UTC(2026, 0, 15)),
      ticketNumber: 42,
      ticket: 'A-042',
      scheduledAt: instant(1),
      scheduledEndAt: instant(10),
      lineAt: instant(11),
      counter: 'Desk 2',
      calledById: 'user-id',
      recallCount: 2,
      expectedServiceMinutes: 15,
      joinedAt: instant(2),
      calledAt: instant(3),
      servedAt: instant(4),
      doneAt: instant(5),
      cancelledAt: instant(6),
      noShowAt: instant(7),
      bookedAt: instant(12),
      approvedAt: instant(13),
      checkedInAt: instant(14),
      checkInDeadline: instant(17),
      cancellableUntil: instant(18),
      firstEstimateMinutes: 11,
      latestEstimateMinutes: 12,
      waitSeconds: 754,
      createdAt: instant(8),
      updatedAt: instant(9),
      customerPhone: '+49 30 123',
      customerEmail: 'ada@example.com',
      blockedFrom: instant(15),
      blockedUntil: instant(16),
      bookingDay: new Date(Date.UTC(2026, 0, 15)),
      slotCapacity: 3,
      dayCapacity: 40,
      customerNotes: 'notes',
      internalNotes: 'internal',
      visitTokenHash: 'hash',
      idempotencyKey: 'key',
      idempotencyFingerprint: 'fingerprint',
      rolledUpAt: instant(19),
      locale: 'de',
      remindAt: instant(20),
      remindedAt: instant(21),
    };
    // As PostgreSQL's json_build_array writes them: timestamp(3) without a zone, date as a day.
    const asJson = (column: (typeof eventVisitColumns)[number]) => {
      const value = visit[column];
      if (!(value instanceof Date)) return value;
      return column === 'ticketDay' ? value.toISOString().slice(0, 10) : value.toISOString().slice(0, -1);
    };
    const row = JSON.parse(JSON.stringify(eventVisitColumns.map(asJson))) as unknown[];
    expect(toVisit(row)).toEqual({
      ...visit,
      customerPhone: null,
      customerEmail: null,
      customerNotes: null,
      internalNotes: null,
      visitTokenHash: null,
      idempotencyKey: null,
      idempotencyFingerprint: null,
      rolledUpAt: null,
      locale: null,
      remindAt: null,
      remindedAt: null,
      // Booking bookkeeping no Visit field shows (slot capacity, blocked time) stays out too.
      blockedFrom: null,
      blockedUntil: null,
      bookingDay: null,
      slotCapacity: null,
      dayCapacity: null,
    });
  });
});
