import { SignJWT, UnsecuredJWT } from 'jose';
import { createIdentitySigner, createPasswordHasher, createTokenService, hasRole, requireRole } from './index';

const secret = 'a'.repeat(40);

describe('access tokens', () => {
  const tokens = createTokenService({ secret, ttlSeconds: 60 });

  it('round-trips a staff identity', async () => {
    const token = await tokens.signAccessToken({ sub: 'u1', org: 'o1', kind: 'staff', role: 'MANAGER' });
    await expect(tokens.verifyAccessToken(token)).resolves.toEqual({
      kind: 'staff',
      subjectId: 'u1',
      organizationId: 'o1',
      role: 'MANAGER',
      platformAdmin: false,
    });
  });

  it('refuses an expired token, another secret and alg none', async () => {
    const expired = await createTokenService({ secret, ttlSeconds: 0 }).signAccessToken({ sub: 'u', org: 'o', kind: 'customer' });
    await new Promise((r) => setTimeout(r, 1100));
    await expect(tokens.verifyAccessToken(expired)).rejects.toMatchObject({ code: 'UNAUTHENTICATED', message: 'The access token has expired.' });

    const other = await createTokenService({ secret: 'b'.repeat(40), ttlSeconds: 60 }).signAccessToken({ sub: 'u', org: 'o', kind: 'customer' });
    await expect(tokens.verifyAccessToken(other)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });

    const none = new UnsecuredJWT({ org: 'o', kind: 'staff', role: 'OWNER' })
      .setSubject('u')
      .setIssuer('waitlessq')
      .setAudience('waitlessq-api')
      .setExpirationTime('1h')
      .encode();
    await expect(tokens.verifyAccessToken(none)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });

    const hs512 = await new SignJWT({ org: 'o', kind: 'staff', role: 'OWNER' })
      .setProtectedHeader({ alg: 'HS512' })
      .setSubject('u')
      .setIssuer('waitlessq')
      .setAudience('waitlessq-api')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(secret));
    await expect(tokens.verifyAccessToken(hs512)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});

describe('access token verification cache', () => {
  afterEach(() => jest.useRealTimers());

  it('serves a verified token no longer than its expiry', async () => {
    jest.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00Z'), doNotFake: ['setTimeout', 'setImmediate', 'nextTick'] });
    const tokens = createTokenService({ secret, ttlSeconds: 60 });
    const token = await tokens.signAccessToken({ sub: 'u', org: 'o', kind: 'customer' });
    await expect(tokens.verifyAccessToken(token)).resolves.toEqual({ kind: 'customer', subjectId: 'u', organizationId: 'o' });
    jest.setSystemTime(Date.parse('2026-01-01T00:00:59Z'));
    await expect(tokens.verifyAccessToken(token)).resolves.toMatchObject({ subjectId: 'u' });
    // fast-jwt accepts a token up to and including the millisecond of its exp (jose refused at that millisecond).
    jest.setSystemTime(Date.parse('2026-01-01T00:01:00.001Z'));
    await expect(tokens.verifyAccessToken(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED', message: 'The access token has expired.' });
  });

  it('does not let a tampered copy of a cached token through', async () => {
    const tokens = createTokenService({ secret, ttlSeconds: 60 });
    const token = await tokens.signAccessToken({ sub: 'u', org: 'o', kind: 'staff', role: 'VIEWER' });
    await tokens.verifyAccessToken(token);
    const [header, , signature] = token.split('.');
    const owner = Buffer.from(
      JSON.stringify({ org: 'o', kind: 'staff', role: 'OWNER', sub: 'u', iss: 'waitlessq', aud: 'waitlessq-api', exp: 4102444800 }),
    ).toString('base64url');
    await expect(tokens.verifyAccessToken(`${header}.${owner}.${signature}`)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});

describe('identity header', () => {
  it('accepts only what was signed with the shared secret', async () => {
    const signer = createIdentitySigner(secret);
    const header = await signer.sign({ kind: 'customer', subjectId: 'c', organizationId: 'o' });
    await expect(signer.verify(header)).resolves.toEqual({ kind: 'customer', subjectId: 'c', organizationId: 'o' });
    await expect(createIdentitySigner('z'.repeat(40)).verify(header)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(signer.verify(undefined)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(signer.verify('{"kind":"staff","role":"OWNER"}')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('refuses a tampered, truncated or expired header and an access token signed with the same secret', async () => {
    const signer = createIdentitySigner(secret);
    const header = await signer.sign({ kind: 'staff', subjectId: 's', organizationId: 'o', role: 'VIEWER', platformAdmin: false });
    const [version, payload, mac] = header.split('.');
    const raised = Buffer.from(Buffer.from(payload!, 'base64url').toString().replace('VIEWER', 'OWNER')).toString('base64url');
    for (const forged of [`${version}.${raised}.${mac}`, `${version}.${payload}.${mac!.slice(0, 20)}`, `${version}.${payload}.`, `${version}.${payload}`]) {
      await expect(signer.verify(forged)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    }
    const token = await createTokenService({ secret, ttlSeconds: 60 }).signAccessToken({ sub: 's', org: 'o', kind: 'staff', role: 'OWNER' });
    await expect(signer.verify(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });

    jest.useFakeTimers({ now: Date.now() + 61_000, doNotFake: ['setTimeout', 'setImmediate', 'nextTick'] });
    try {
      await expect(signer.verify(header)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    } finally {
      jest.useRealTimers();
    }
  });

  it('sends a recent header again for the same identity, never one with less than 50 s to live', async () => {
    const expiry = (header: string) => (JSON.parse(Buffer.from(header.split('.')[1]!, 'base64url').toString()) as { exp: number }).exp;
    const start = Date.now();
    jest.useFakeTimers({ now: start, doNotFake: ['setTimeout', 'setImmediate', 'nextTick'] });
    try {
      const signer = createIdentitySigner(secret);
      const partner = { kind: 'partner', subjectId: 'k', organizationId: 'o' } as const;
      const first = await signer.sign(partner);
      jest.setSystemTime(start + 9_000);
      expect(await signer.sign(partner)).toBe(first);
      expect(await signer.sign({ ...partner, subjectId: 'other' })).not.toBe(first);
      jest.setSystemTime(start + 10_000);
      const renewed = await signer.sign(partner);
      expect(expiry(renewed)).toBeGreaterThan(expiry(first));
      await expect(signer.verify(renewed)).resolves.toEqual(partner);
      for (const header of [first, renewed]) expect(expiry(header) * 1000).toBeGreaterThanOrEqual(start + 50_000);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('identity header of the previous release (JWT), accepted during a rolling upgrade', () => {
  const legacy = (claims: { identity: unknown }, signWith = secret, audience = 'waitlessq-subgraph', expiresIn = '60s') =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('waitlessq-gateway')
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime(expiresIn)
      .sign(new TextEncoder().encode(signWith));

  it('accepts a header an old gateway signed, and nothing else in that form', async () => {
    const signer = createIdentitySigner(secret);
    const identity = { kind: 'staff', subjectId: 's', organizationId: 'o', role: 'VIEWER', platformAdmin: false };
    await expect(signer.verify(await legacy({ identity }))).resolves.toEqual(identity);
    await expect(signer.verify(await legacy({ identity }, 'z'.repeat(40)))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    // An access token (other issuer and audience) is not an identity header in either form.
    await expect(signer.verify(await legacy({ identity }, secret, 'waitlessq-api'))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(signer.verify(await legacy({ identity }, secret, 'waitlessq-subgraph', '-1s'))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(signer.verify(await legacy({ identity: 'OWNER' }))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    const unsigned = new UnsecuredJWT({ identity }).setIssuer('waitlessq-gateway').setAudience('waitlessq-subgraph').setExpirationTime('60s').encode();
    await expect(signer.verify(unsigned)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});

describe('roles', () => {
  it('orders roles from owner to viewer', () => {
    expect(hasRole('OWNER', 'STAFF')).toBe(true);
    expect(hasRole('VIEWER', 'STAFF')).toBe(false);
    expect(() => requireRole({ kind: 'staff', subjectId: 'u', organizationId: 'o', role: 'VIEWER', platformAdmin: false }, 'STAFF')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
    expect(() => requireRole({ kind: 'customer', subjectId: 'c', organizationId: 'o' }, 'STAFF')).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(() => requireRole({ kind: 'anonymous' }, 'STAFF')).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
  });
});

describe('passwords', () => {
  it('hashes with argon2id and verifies', async () => {
    const hasher = createPasswordHasher({ memoryKib: 1024 });
    const hashed = await hasher.hash('correct horse');
    expect(hashed).toMatch(/^\$argon2id\$/);
    await expect(hasher.verify(hashed, 'correct horse')).resolves.toBe(true);
    await expect(hasher.verify(hashed, 'wrong')).resolves.toBe(false);
  });
});
