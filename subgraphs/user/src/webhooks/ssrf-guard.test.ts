import { isPrivateAddress, resolveWebhookHost } from './ssrf-guard';

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '10.0.0.1',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.0.10',
    '169.254.169.254',
    '100.64.0.1',
    '100.127.255.254',
    '0.0.0.0',
    '224.0.0.251',
    '255.255.255.255',
    '::',
    '::1',
    'fc00::1',
    'fdff:ffff::1',
    'fe80::1',
    'ff02::1',
    '::ffff:10.0.0.1',
    '::ffff:127.0.0.1',
    '64:ff9b::a00:1',
    'not-an-address',
  ])('refuses %s', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['8.8.8.8', '203.0.113.10', '172.32.0.1', '100.128.0.1', '192.169.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows %s', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });
});

describe('resolveWebhookHost', () => {
  it('resolves names and literals, refusing private ones unless allowed', async () => {
    await expect(resolveWebhookHost('localhost', false)).rejects.toThrow(/localhost resolves to/);
    expect((await resolveWebhookHost('localhost', true)).length).toBeGreaterThan(0);
    await expect(resolveWebhookHost('[::1]', false)).rejects.toThrow(/::1/);
    expect(await resolveWebhookHost('203.0.113.10', false)).toEqual([{ address: '203.0.113.10', family: 4 }]);
  });
});
