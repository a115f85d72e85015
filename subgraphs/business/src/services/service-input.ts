import { badInput, definedOnly, intInRange, optionalIntInRange, optionalText, requiredText } from '../validation';

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

export function parseCreateServiceInput(input: CreateServiceInput): { columns: Omit<ServiceColumns, 'active'>; idempotencyKey: string | null } {
  return {
    columns: {
      name: requiredText('name', input.name, 120),
      category: optionalText('category', input.category, 80) ?? null,
      description: optionalText('description', input.description, 2000) ?? null,
      durationMinutes: intInRange('durationMinutes', input.durationMinutes, 1, MAX_DURATION_MINUTES),
      priceCents: optionalIntInRange('priceCents', input.priceCents, 0, MAX_PRICE_CENTS) ?? null,
      currency: input.currency == null ? 'EUR' : currency(input.currency),
      bookableOnline: input.bookableOnline ?? true,
      bufferBeforeMinutes: input.bufferBeforeMinutes == null ? 0 : buffer('bufferBeforeMinutes', input.bufferBeforeMinutes),
      bufferAfterMinutes: input.bufferAfterMinutes == null ? 0 : buffer('bufferAfterMinutes', input.bufferAfterMinutes),
    },
    idempotencyKey: optionalText('idempotencyKey', input.idempotencyKey, 200) ?? null,
  };
}

/** Only the fields sent change; required fields cannot be cleared. */
export function parseUpdateServiceInput(input: UpdateServiceInput): Partial<ServiceColumns> {
  for (const field of ['name', 'durationMinutes', 'currency', 'bookableOnline', 'bufferBeforeMinutes', 'bufferAfterMinutes', 'active'] as const) {
    if (input[field] === null) throw badInput(field, 'cannot be null');
  }
  return definedOnly({
    name: input.name === undefined ? undefined : requiredText('name', input.name, 120),
    category: optionalText('category', input.category, 80),
    description: optionalText('description', input.description, 2000),
    durationMinutes: input.durationMinutes == null ? undefined : intInRange('durationMinutes', input.durationMinutes, 1, MAX_DURATION_MINUTES),
    priceCents: optionalIntInRange('priceCents', input.priceCents, 0, MAX_PRICE_CENTS),
    currency: input.currency == null ? undefined : currency(input.currency),
    bookableOnline: input.bookableOnline ?? undefined,
    bufferBeforeMinutes: input.bufferBeforeMinutes == null ? undefined : buffer('bufferBeforeMinutes', input.bufferBeforeMinutes),
    bufferAfterMinutes: input.bufferAfterMinutes == null ? undefined : buffer('bufferAfterMinutes', input.bufferAfterMinutes),
    active: input.active ?? undefined,
  });
}

function buffer(field: 'bufferBeforeMinutes' | 'bufferAfterMinutes', value: number): number {
  return intInRange(field, value, 0, MAX_BUFFER_MINUTES);
}

function currency(value: string): string {
  const code = value.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code)) throw badInput('currency', 'must be an ISO 4217 code such as EUR');
  return code;
}
