import { validateSlug } from '../slug';
import {
  badInput,
  definedOnly,
  optionalEmail,
  optionalHttpUrl,
  optionalIntInRange,
  optionalPhone,
  optionalText,
  requiredText,
  timezone,
} from '../validation';

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

export function parseCreateBusinessInput(input: CreateBusinessInput): {
  columns: BusinessColumns;
  slug: string | null;
  idempotencyKey: string | null;
} {
  const fields = parseFields(input);
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
      ...definedOnly(fields),
      name: requiredText('name', input.name, 120),
      timezone: timezone('timezone', input.timezone),
    } as BusinessColumns,
    slug: input.slug == null ? null : validateSlug('slug', input.slug),
    idempotencyKey: optionalText('idempotencyKey', input.idempotencyKey, 200) ?? null,
  };
}

/** Only the fields sent change; `null` clears an optional field and is refused for a required one. */
export function parseUpdateBusinessInput(input: UpdateBusinessInput): { columns: Partial<BusinessColumns>; slug: string | undefined } {
  const columns: Partial<BusinessColumns> = definedOnly(parseFields(input));
  if (input.name !== undefined) columns.name = requiredText('name', input.name, 120);
  if (input.timezone !== undefined) columns.timezone = timezone('timezone', input.timezone);
  if (input.slug === null) throw badInput('slug', 'cannot be cleared');
  return { columns, slug: input.slug === undefined ? undefined : validateSlug('slug', input.slug) };
}

function parseFields(input: BusinessFieldsInput): { [K in keyof BusinessColumns]?: BusinessColumns[K] | undefined } {
  if (input.acceptsWalkIns === null) throw badInput('acceptsWalkIns', 'cannot be null');
  return {
    description: optionalText('description', input.description, 2000),
    category: optionalText('category', input.category, 80),
    phone: optionalPhone('phone', input.phone),
    email: optionalEmail('email', input.email),
    website: optionalHttpUrl('website', input.website),
    acceptsWalkIns: input.acceptsWalkIns,
    queueCapacity: optionalIntInRange('queueCapacity', input.queueCapacity, 1, MAX_QUEUE_CAPACITY),
    ...parseAddress(input.address),
  };
}

function parseAddress(address: AddressInput | null | undefined) {
  if (address === undefined) return {};
  const parts = address ?? { line1: null, line2: null, city: null, postalCode: null, region: null, country: null };
  const country = optionalText('address.country', parts.country, 2)?.toUpperCase();
  if (country && !/^[A-Z]{2}$/.test(country)) throw badInput('address.country', 'must be an ISO 3166-1 alpha-2 code such as DE');
  return {
    addressLine1: optionalText('address.line1', parts.line1, 200),
    addressLine2: optionalText('address.line2', parts.line2, 200),
    city: optionalText('address.city', parts.city, 100),
    postalCode: optionalText('address.postalCode', parts.postalCode, 20),
    region: optionalText('address.region', parts.region, 100),
    country: country ?? (parts.country === undefined ? undefined : null),
  };
}
