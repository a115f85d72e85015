import { definedOnly } from './defined-only';

describe('definedOnly', () => {
  it('keeps only the fields that were sent', () => {
    expect(definedOnly({ a: 1, b: undefined, c: null })).toEqual({ a: 1, c: null });
  });
});
