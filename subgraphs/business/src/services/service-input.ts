import { idempotencyKey, optional, optionalText, parse, text, wholeNumber, z } from '@waitlessq/validation';
import { definedOnly } from '../defined-only';

export interface CreateServiceInput {
  businessId: string;
  name: string;
  category?: string | null;
  description?: string | null;
  durationMinutes: number;
  priceCents?: number | null;
  currency?: string | null;
  bookableOnline?: boolean | null;
  bufferBeforeMinutes?: number | null;
  bufferAfterMinutes?: number | null;
  idempotencyKey?: string | null;
}

export interface UpdateServiceInput {
  id: string;
  name?: string | null;
  category?: string | null;
  description?: string | null;
  durationMinutes?: number | null;
  priceCents?: number | null;
  currency?: string | null;
  bookableOnline?: boolean | null;
  bufferBeforeMinutes?: number | null;
  bufferAfterMinutes?: number | null;
  active?: boolean | null;
}

export interface ServiceColumns {
  name: string;
  category: string | null;
  description: string | null;
  durationMinutes: number;
  priceCents: number | null;
  currency: string;
  bookableOnline: boolean;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  active: boolean;
}

export const MAX_DURATION_MINUTES = 600;
const MAX_PRICE_CENTS = 100_000_000;
/** The same bound as the booking policy's buffers. */
export const MAX_BUFFER_MINUTES = 240;

const currency = text(3)
  .toUpperCase()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR');
const buffer = wholeNumber(0, MAX_BUFFER_MINUTES);
const notNull = { error: 'cannot be null' };

export const createServiceSchema = z.object({
  name: text(120),
  category: optionalText(80),
  description: optionalText(2000),
  durationMinutes: wholeNumber(1, MAX_DURATION_MINUTES),
  priceCents: optional(wholeNumber(0, MAX_PRICE_CENTS)),
  currency: currency.nullish(),
  bookableOnline: z.boolean().nullish(),
  bufferBeforeMinutes: buffer.nullish(),
  bufferAfterMinutes: buffer.nullish(),
  idempotencyKey: idempotencyKey(),
});

/** Only the fields sent change; required fields cannot be cleared. */
export const updateServiceSchema = z.object({
  name: text(120).optional(),
  category: optionalText(80),
  description: optionalText(2000),
  durationMinutes: z.number(notNull).pipe(wholeNumber(1, MAX_DURATION_MINUTES)).optional(),
  priceCents: optional(wholeNumber(0, MAX_PRICE_CENTS)),
  currency: z.string(notNull).pipe(currency).optional(),
  bookableOnline: z.boolean(notNull).optional(),
  bufferBeforeMinutes: z.number(notNull).pipe(buffer).optional(),
  bufferAfterMinutes: z.number(notNull).pipe(buffer).optional(),
  active: z.boolean(notNull).optional(),
});

export function parseCreateServiceInput(input: CreateServiceInput): { columns: Omit<ServiceColumns, 'active'>; idempotencyKey: string | null } {
  const parsed = parse(createServiceSchema, input);
  return {
    columns: {
      name: parsed.name,
      category: parsed.category ?? null,
      description: parsed.description ?? null,
      durationMinutes: parsed.durationMinutes,
      priceCents: parsed.priceCents ?? null,
      currency: parsed.currency ?? 'EUR',
      bookableOnline: parsed.bookableOnline ?? true,
      bufferBeforeMinutes: parsed.bufferBeforeMinutes ?? 0,
      bufferAfterMinutes: parsed.bufferAfterMinutes ?? 0,
    },
    idempotencyKey: parsed.idempotencyKey,
  };
}

export function parseUpdateServiceInput(input: UpdateServiceInput): Partial<ServiceColumns> {
  return definedOnly(parse(updateServiceSchema, input));
}
