import { createTokenService } from '@waitlessq/auth';
import { createAuthenticator, parseBearer } from './authenticate';

const secret = 'gateway-test-secret-0123456789abcdefghijkl';

describe('parseBearer', () => {
  it('reads the token of a Bearer header, whatever the case of the scheme', () => {
    expect(parseBearer('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(parseBearer('bearer   abc.def-_ghi ')).toBe('abc.def-_ghi');
  });

  it('treats a missing or empty header as no credentials', () => {
    expect(parseBearer(undefined)).toBeUndefined();
    expect(parseBearer('  ')).toBeUndefined();
  });

  it.each(['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer ', 'abc.def.ghi', 'Bearer a b'])('refuses %p with UNAUTHENTICATED', (header) => {
    expect(() => parseBearer(header)).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
  });
});

describe('createAuthenticator', () => {
  const tokens = createTokenService({ secret, ttlSeconds: 60 });
  const authenticate = createAuthenticator(tokens);

  it('is anonymous without a header', async () => {
    await expect(authenticate({})).resolves.toEqual({ kind: 'anonymous' });
  });

  it('returns the identity of a valid token', async () => {
    const token = await tokens.signAccessToken({ sub: 'u1', org: 'o1', kind: 'staff', role: 'OWNER' });
    await expect(authenticate({ authorization: `Bearer ${token}` })).resolves.toEqual({
      kind: 'staff',
      subjectId: 'u1',
      organizationId: 'o1',
      role: 'OWNER',
      platformAdmin: false,
    });
  });

  it('refuses an expired token', async () => {
    const expired = await createTokenService({ secret, ttlSeconds: 0 }).signAccessToken({ sub: 'u1', org: 'o1', kind: 'staff', role: 'OWNER' });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await expect(authenticate({ authorization: `Bearer ${expired}` })).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      message: 'The access token has expired.',
    });
  });

  it('refuses garbage and tokens signed with another secret', async () => {
    await expect(authenticate({ authorization: 'Bearer not-a-jwt' })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    const foreign = await createTokenService({ secret: 'another-secret-0123456789abcdefghijklmnop', ttlSeconds: 60 }).signAccessToken({
      sub: 'u',
      org: 'o',
      kind: 'customer',
    });
    await expect(authenticate({ authorization: `Bearer ${foreign}` })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});

describe('createAuthenticator with partner keys', () => {
  const tokens = createTokenService({ secret, ttlSeconds: 60 });
  const partner = { kind: 'partner' as const, subjectId: 'k1', organizationId: 'o1' };
  const partnerKeys = { resolve: jest.fn(async () => partner) };
  const authenticate = createAuthenticator(tokens, partnerKeys);

  it('acts as the partner of an x-api-key', async () => {
    await expect(authenticate({ apiKey: ' wlq_live_key ' })).resolves.toEqual(partner);
    expect(partnerKeys.resolve).toHaveBeenCalledWith('wlq_live_key');
  });

  it('refuses a bearer token and an API key on the same request, before looking either up', async () => {
    partnerKeys.resolve.mockClear();
    const token = await tokens.signAccessToken({ sub: 'u1', org: 'o1', kind: 'staff', role: 'OWNER' });
    await expect(authenticate({ authorization: `Bearer ${token}`, apiKey: 'wlq_live_key' })).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      message: 'Send either an Authorization bearer token or an x-api-key header, not both.',
    });
    expect(partnerKeys.resolve).not.toHaveBeenCalled();
  });

  it('treats blank headers as absent', async () => {
    await expect(authenticate({ authorization: ' ', apiKey: '' })).resolves.toEqual({ kind: 'anonymous' });
  });

  it('refuses API keys where no partner keys are configured', async () => {
    await expect(createAuthenticator(tokens)({ apiKey: 'wlq_live_key' })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
