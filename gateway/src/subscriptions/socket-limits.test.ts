import type { IncomingMessage } from 'node:http';
import { clientAddress, closeReason, credentialKey } from './socket-limits';

const request = (peer: string, forwardedFor?: string) =>
  ({ socket: { remoteAddress: peer }, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} }) as unknown as IncomingMessage;
const loopback = (address: string) => address === '127.0.0.1' || address === '::1';

describe('the client address of a WebSocket upgrade', () => {
  it('is the peer without a trusted proxy, whatever X-Forwarded-For says', () => {
    expect(clientAddress(request('203.0.113.9', '198.51.100.1'), undefined)).toBe('203.0.113.9');
    expect(clientAddress(request('203.0.113.9', '198.51.100.1'), () => false)).toBe('203.0.113.9');
  });

  it('walks X-Forwarded-For from the peer to the first address that is not a trusted proxy', () => {
    expect(clientAddress(request('127.0.0.1', '198.51.100.1'), loopback)).toBe('198.51.100.1');
    // A client-forged entry left of the real client is not believed.
    expect(clientAddress(request('127.0.0.1', '10.9.9.9, 198.51.100.1'), loopback)).toBe('198.51.100.1');
    expect(clientAddress(request('127.0.0.1', '198.51.100.1, ::1'), loopback)).toBe('198.51.100.1');
    expect(clientAddress(request('127.0.0.1'), loopback)).toBe('127.0.0.1');
  });
});

describe('connection budgets', () => {
  it('count users and partner keys, not anonymous visit-token holders', () => {
    expect(credentialKey({ kind: 'partner', subjectId: 'k', organizationId: 'o' })).toBe('partner:k');
    expect(credentialKey({ kind: 'anonymous' })).toBeUndefined();
  });

  it('keep close reasons within the 123 bytes a close frame holds', () => {
    expect(Buffer.byteLength(closeReason('é'.repeat(200)))).toBeLessThanOrEqual(123);
  });
});
