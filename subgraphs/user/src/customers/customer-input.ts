import { email, id, idempotencyKey, optionalEmail, optionalPhone, password, text, z } from '@waitlessq/validation';

/**
 * Customer accounts keep a phone number as typed (trimmed), after the same check as everywhere
 * else: their tests assert the stored text. Visits and businesses store E.164.
 */
const customerPhone = optionalPhone({ asTyped: true });

export const registerCustomerSchema = z.object({
  organizationId: id(),
  name: text(100),
  email: email(),
  password: password(),
  phone: customerPhone,
});

export const createCustomerSchema = z.object({
  name: text(100),
  email: optionalEmail(),
  phone: customerPhone,
  idempotencyKey: idempotencyKey(),
});
