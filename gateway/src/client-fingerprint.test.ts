import { withClientFingerprint } from './client-fingerprint';

describe('withClientFingerprint', () => {
  it('tells anonymous callers apart by address and user agent, without carrying either', () => {
    const a = withClientFingerprint({ kind: 'anonymous' }, '203.0.113.7', 'Phone/1.0');
    expect(a).toEqual({ kind: 'anonymous', clientFingerprint: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(withClientFingerprint({ kind: 'anonymous' }, '203.0.113.7', 'Phone/1.0')).toEqual(a);
    expect(withClientFingerprint({ kind: 'anonymous' }, '203.0.113.8', 'Phone/1.0')).not.toEqual(a);
    expect(withClientFingerprint({ kind: 'anonymous' }, '203.0.113.7', 'Tablet/1.0')).not.toEqual(a);
    expect(JSON.stringify(a)).not.toContain('203.0.113.7');
  });

  it('leaves a signed-in identity as it is', () => {
    const staff = { kind: 'staff', subjectId: 's', organizationId: 'o', role: 'OWNER', platformAdmin: false } as const;
    expect(withClientFingerprint(staff, '203.0.113.7', 'Phone/1.0')).toBe(staff);
  });
});
