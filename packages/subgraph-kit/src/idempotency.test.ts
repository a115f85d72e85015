import { AppError } from '@waitlessq/errors';
import { assertSameRequest, canonicalJson, idempotencyFingerprint } from './idempotency';

const staff = { kind: 'staff', subjectId: 's1', organizationId: 'o1', role: 'OWNER', platformAdmin: false } as const;
const otherStaff = { ...staff, subjectId: 's2' };

describe('idempotency fingerprints', () => {
  it('are the same for the same caller and input, whatever the key order and absent fields', () => {
    const first = idempotencyFingerprint(staff, { name: 'A', capacity: 3, notes: null, idempotencyKey: 'k' });
    expect(idempotencyFingerprint(staff, { capacity: 3, name: 'A' })).toBe(first);
    expect(canonicalJson({ b: [{ y: 1, x: undefined }], a: new Date(0) })).toBe('{"a":"1970-01-01T00:00:00.000Z","b":[{"y":1}]}');
  });

  it('differ for another input, another subject, or another anonymous client', () => {
    const first = idempotencyFingerprint(staff, { name: 'A' });
    expect(idempotencyFingerprint(staff, { name: 'B' })).not.toBe(first);
    expect(idempotencyFingerprint(otherStaff, { name: 'A' })).not.toBe(first);
    expect(idempotencyFingerprint({ kind: 'anonymous', clientFingerprint: 'x' }, { name: 'A' })).not.toBe(
      idempotencyFingerprint({ kind: 'anonymous', clientFingerprint: 'y' }, { name: 'A' }),
    );
  });

  it('refuse a row of another request, and a row from before fingerprints, with IDEMPOTENCY_KEY_REUSED', () => {
    const fingerprint = idempotencyFingerprint(staff, { name: 'A' });
    expect(() => assertSameRequest({ idempotencyFingerprint: fingerprint }, fingerprint)).not.toThrow();
    for (const stored of [idempotencyFingerprint(staff, { name: 'B' }), null]) {
      let thrown: unknown;
      try {
        assertSameRequest({ idempotencyFingerprint: stored }, fingerprint);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(AppError);
      expect((thrown as AppError).code).toBe('IDEMPOTENCY_KEY_REUSED');
    }
  });
});
