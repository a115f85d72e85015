import { parseSignUpInput, type SignUpInput } from './sign-up-input';

const valid: SignUpInput = {
  organizationName: '  City Clinic ',
  organizationSlug: null,
  name: 'Ada Owner',
  email: ' Ada@Example.COM ',
  password: 'correct horse battery',
};

function refusal(input: Partial<SignUpInput>) {
  try {
    parseSignUpInput({ ...valid, ...input });
  } catch (error) {
    return error as { code: string; message: string; details: { field: string } };
  }
  throw new Error('expected a refusal');
}

describe('parseSignUpInput', () => {
  it('normalises a valid input', () => {
    expect(parseSignUpInput(valid)).toEqual({
      organizationName: 'City Clinic',
      organizationSlug: null,
      name: 'Ada Owner',
      email: 'ada@example.com',
      password: 'correct horse battery',
      idempotencyKey: null,
    });
    expect(parseSignUpInput({ ...valid, organizationSlug: 'City-Clinic', idempotencyKey: 'k1' })).toMatchObject({
      organizationSlug: 'city-clinic',
      idempotencyKey: 'k1',
    });
  });

  it.each([
    [{ organizationName: '   ' }, 'organizationName'],
    [{ organizationSlug: 'a_b' }, 'organizationSlug'],
    [{ organizationSlug: 'a' }, 'organizationSlug'],
    [{ organizationSlug: '-abc' }, 'organizationSlug'],
    [{ name: '' }, 'name'],
    [{ name: 'x'.repeat(101) }, 'name'],
    [{ email: 'ada@example' }, 'email'],
    [{ email: 'ada example@x.com' }, 'email'],
    [{ password: '123456789' }, 'password'],
    [{ password: 'x'.repeat(257) }, 'password'],
    [{ idempotencyKey: '' }, 'idempotencyKey'],
  ] as [Partial<SignUpInput>, string][])('refuses %j naming %s', (input, field) => {
    const error = refusal(input);
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.details.field).toBe(field);
    expect(error.message.startsWith(`${field} `)).toBe(true);
  });

  it('accepts a password of exactly 10 characters', () => {
    expect(parseSignUpInput({ ...valid, password: '0123456789' }).password).toBe('0123456789');
  });
});
