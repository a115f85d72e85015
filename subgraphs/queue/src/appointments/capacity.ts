import { Prisma } from '@waitlessq/database';
import { AppError } from '@waitlessq/errors';

/** The SQLSTATE the slot-capacity trigger raises (prisma/migrations/*_appointments). */
const slotUnavailableState = 'WQ001';

/**
 * Whether the database refused a booking for capacity. The trigger's SQLSTATE travels inside
 * the driver adapter's error; its message names the condition too, which is what the
 * embedded database's adapter keeps.
 */
export function isSlotUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const meta = error instanceof Prisma.PrismaClientKnownRequestError ? JSON.stringify(error.meta ?? {}) : '';
  return meta.includes(slotUnavailableState) || error.message.includes('SLOT_UNAVAILABLE');
}

export const slotUnavailable = (detail = 'This time is no longer available; choose another slot.') => new AppError('SLOT_UNAVAILABLE', detail);
