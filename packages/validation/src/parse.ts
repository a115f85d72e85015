import { AppError } from '@waitlessq/errors';
import type { z } from 'zod';

/** The one refusal of a bad input: BAD_USER_INPUT naming the field, in the message and in `extensions.field`. */
export function badInput(field: string, problem: string): AppError {
  return new AppError('BAD_USER_INPUT', `${field} ${problem}.`, { field });
}

/** `["address", "city"]` -> "address.city", `["intervals", 0, "endsAt"]` -> "intervals[0].endsAt". */
function fieldName(path: readonly PropertyKey[]): string {
  return path.reduce<string>((name, key) => (typeof key === 'number' ? `${name}[${key}]` : name ? `${name}.${String(key)}` : String(key)), '');
}

/** Zod's own wording for a missing or mistyped value, in the words of our messages. */
const wording: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type') return issue.input === undefined || issue.input === null ? 'is required' : `must be ${article(issue.expected)}`;
  return undefined;
};
const article = (expected: string) => (/^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`);

/**
 * The value checked and normalised by `schema`, or a BAD_USER_INPUT naming the first field it
 * refuses. `field` names a single value (or prefixes the paths of an object's fields).
 */
export function parse<S extends z.ZodType>(schema: S, value: unknown, field?: string): z.output<S> {
  const result = schema.safeParse(value, { error: wording });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const name = fieldName(field === undefined ? issue.path : [field, ...issue.path]);
  throw badInput(name || 'input', issue.message);
}
