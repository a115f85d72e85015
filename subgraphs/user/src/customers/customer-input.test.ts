import { parse } from '@waitlessq/validation';
import { createCustomerSchema } from './customer-input';

const fields = (input: Record<string, unknown>) => parse(createCustomerSchema, { name: 'Dora', ...input });

describe('optional contact fields', () => {
  it('treats blank as absent and checks the rest', () => {
    expect(fields({ phone: '  ' }).phone).toBeNull();
    expect(fields({ phone: undefined }).phone ?? null).toBeNull();
    expect(fields({ phone: ' +49 (30) 123-4567 ' }).phone).toBe('+49 (30) 123-4567');
    expect(() => fields({ phone: 'call me' })).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field: 'phone' } }));
    expect(fields({ email: '' }).email).toBeNull();
    expect(fields({ email: 'A@B.io' }).email).toBe('a@b.io');
    expect(() => fields({ email: 'nope' })).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
  });
});
