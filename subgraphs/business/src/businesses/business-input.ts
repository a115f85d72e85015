import {
  badInput,
  idempotencyKey,
  optional,
  optionalEmail,
  optionalHttpUrl,
  optionalPhone,
  optionalText,
  parse,
  slug,
  text,
  timeZone,
  wholeNumber,
  z,
} from '@waitlessq/validation';
import { definedOnly } from '../defined-only';

export interface AddressInput {
  line1?: string | null;
  line2?: string | null;
  city?: string | null;
  postalCode?: string | null;
  region?: string | null;
  country?: string | null;
}

interface BusinessFieldsInput {
  name?: string | null;
  slug?: string | null;
  timezone?: string | null;
  description?: string | null;
  category?: string | null;
  phone?: string | null;
  email?: string | null;
  website?: string | null;
  address?: AddressInput | null;
  acceptsWalkIns?: boolean | null;
  queueCapacity?: number | null;
}

export interface CreateBusinessInput extends BusinessFieldsInput {
  name: string;
  timezone: string;
  idempotencyKey?: string | null;
}

export interface UpdateBusinessInput extends BusinessFieldsInput {
  id: string;
}

/** Columns of a Business a client may set. */
export interface BusinessColumns {
  name: string;
  timezone: string;
  description: string | null;
  category: string | null;
  phone: string | null;
  email: string | null;
  website: string | null;
  addressLine1: string | null;
  addressLine2: string | null;
  city: string | null;
  postalCode: string | null;
  region: string | null;
  country: string | null;
  acceptsWalkIns: boolean;
  queueCapacity: number | null;
}

export const MAX_QUEUE_CAPACITY = 10_000;

/** `null` clears every line of the address; a line not sent keeps its value. */
const addressSchema = z.object({
  line1: optionalText(200),
  line2: optionalText(200),
  city: optionalText(100),
  postalCode: optionalText(20),
  region: optionalText(100),
  country: optional(
    text(2)
      .toUpperCase()
      .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as DE'),
  ),
});

const fieldsSchema = z.object({
  description: optionalText(2000),
  category: optionalText(80),
  phone: optionalPhone(),
  email: optionalEmail(),
  website: optionalHttpUrl(),
  acceptsWalkIns: z.boolean({ error: 'cannot be null' }).optional(),
  queueCapacity: optional(wholeNumber(1, MAX_QUEUE_CAPACITY)),
  address: addressSchema.nullish(),
});

export const createBusinessSchema = fieldsSchema.extend({
  name: text(120),
  timezone: timeZone(),
  slug: slug().nullish(),
  idempotencyKey: idempotencyKey(),
});

export const updateBusinessSchema = fieldsSchema.extend({
  name: text(120).optional(),
  timezone: timeZone().optional(),
  slug: slug().optional(),
});

export function parseCreateBusinessInput(input: CreateBusinessInput): {
  columns: BusinessColumns;
  slug: string | null;
  idempotencyKey: string | null;
} {
  const parsed = parse(createBusinessSchema, input);
  return {
    columns: {
      description: null,
      category: null,
      phone: null,
      email: null,
      website: null,
      addressLine1: null,
      addressLine2: null,
      city: null,
      postalCode: null,
      region: null,
      country: null,
      acceptsWalkIns: true,
      queueCapacity: null,
      ...definedOnly(columnsOf(parsed)),
      name: parsed.name,
      timezone: parsed.timezone,
    } as BusinessColumns,
    slug: parsed.slug ?? null,
    idempotencyKey: parsed.idempotencyKey,
  };
}

/** Only the fields sent change; `null` clears an optional field and is refused for a required one. */
export function parseUpdateBusinessInput(input: UpdateBusinessInput): { columns: Partial<BusinessColumns>; slug: string | undefined } {
  if (input.slug === null) throw badInput('slug', 'cannot be cleared');
  const parsed = parse(updateBusinessSchema, input);
  const columns: Partial<BusinessColumns> = definedOnly({ ...columnsOf(parsed), name: parsed.name, timezone: parsed.timezone });
  return { columns, slug: parsed.slug };
}

function columnsOf({ address, ...fields }: z.output<typeof fieldsSchema>): { [K in keyof BusinessColumns]?: BusinessColumns[K] | undefined } {
  const lines = address === undefined ? {} : (address ?? { line1: null, line2: null, city: null, postalCode: null, region: null, country: null });
  return {
    description: fields.description,
    category: fields.category,
    phone: fields.phone,
    email: fields.email,
    website: fields.website,
    acceptsWalkIns: fields.acceptsWalkIns,
    queueCapacity: fields.queueCapacity,
    addressLine1: lines.line1,
    addressLine2: lines.line2,
    city: lines.city,
    postalCode: lines.postalCode,
    region: lines.region,
    country: lines.country,
  };
}
