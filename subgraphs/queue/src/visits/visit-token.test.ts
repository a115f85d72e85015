import { visitTokenFor, visitTokenHash, visitTokenMatches } from './visit-token';

const secret = 'a-test-secret-that-is-long-enough-000000';
const visitId = '6f1c2a9e-8d5b-4c1e-9a7f-2b3c4d5e6f70';

describe('visit tokens', () => {
  it('are the same for the same visit (an idempotent retry gets the token back)', () => {
    expect(visitTokenFor(secret, visitId)).toBe(visitTokenFor(secret, visitId));
    expect(visitTokenFor(secret, visitId)).toMatch(/^vt_[A-Za-z0-9_-]{43}$/);
  });

  it('differ between visits and between secrets', () => {
    expect(visitTokenFor(secret, visitId)).not.toBe(visitTokenFor(secret, '6f1c2a9e-8d5b-4c1e-9a7f-2b3c4d5e6f71'));
    expect(visitTokenFor(secret, visitId)).not.toBe(visitTokenFor(`${secret}x`, visitId));
  });

  it('match only their own stored hash', () => {
    const token = visitTokenFor(secret, visitId);
    const stored = visitTokenHash(token);
    expect(visitTokenMatches(stored, token)).toBe(true);
    expect(visitTokenMatches(stored, `${token}x`)).toBe(false);
    expect(visitTokenMatches(stored, undefined)).toBe(false);
    expect(visitTokenMatches(null, token)).toBe(false);
  });
});
