import { email, idempotencyKey, optional, parse, password, slug, text, z } from '@waitlessq/validation';

export interface SignUpInput {
  organizationName: string;
  organizationSlug?: string | null;
  name: string;
  email: string;
  password: string;
  idempotencyKey?: string | null;
}

export interface ValidSignUp {
  organizationName: string;
  organizationSlug: string | null;
  name: string;
  email: string;
  password: string;
  idempotencyKey: string | null;
}

/** The fields in the order of the form: the first problem is reported with its field. */
export const signUpSchema = z.object({
  organizationName: text(100),
  organizationSlug: optional(slug()),
  name: text(100),
  email: email(),
  password: password(),
  idempotencyKey: idempotencyKey(),
});

export function parseSignUpInput(input: SignUpInput): ValidSignUp {
  const parsed = parse(signUpSchema, input);
  return { ...parsed, organizationSlug: parsed.organizationSlug ?? null };
}
