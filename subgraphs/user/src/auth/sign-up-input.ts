import { validEmail, validIdempotencyKey, validName, validPassword, validSlug } from '../validation';

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

/** Checks every field in the order of the form; the first problem is reported with its field. */
export function parseSignUpInput(input: SignUpInput): ValidSignUp {
  return {
    organizationName: validName(input.organizationName, 'organizationName'),
    organizationSlug: input.organizationSlug?.trim() ? validSlug(input.organizationSlug, 'organizationSlug') : null,
    name: validName(input.name, 'name'),
    email: validEmail(input.email, 'email'),
    password: validPassword(input.password, 'password'),
    idempotencyKey: validIdempotencyKey(input.idempotencyKey),
  };
}
