import type { Identity } from '@waitlessq/auth';
import { isUuid } from '@waitlessq/validation';
import { canReadPublicRow, canReadTenantRow } from './access';

const staff: Identity = { kind: 'staff', subjectId: 'u', organizationId: 'org-a', role: 'OWNER', platformAdmin: false };
const customer: Identity = { kind: 'customer', subjectId: 'c', organizationId: 'org-a' };
const service: Identity = { kind: 'service', subjectId: 'queue' };
const anonymous: Identity = { kind: 'anonymous' };

describe('read access', () => {
  it('lets members read their own organization only', () => {
    expect(canReadTenantRow(staff, 'org-a')).toBe(true);
    expect(canReadTenantRow(staff, 'org-b')).toBe(false);
    expect(canReadTenantRow(customer, 'org-b')).toBe(false);
  });

  it('lets service identities read everything and anonymous callers only public rows', () => {
    expect(canReadTenantRow(service, 'org-b')).toBe(true);
    expect(canReadTenantRow(anonymous, 'org-a')).toBe(false);
    expect(canReadPublicRow(anonymous, 'org-a')).toBe(true);
    expect(canReadPublicRow(staff, 'org-b')).toBe(false);
  });

  it('recognises UUIDs', () => {
    expect(isUuid('3f1c2a8e-7d44-4b7e-9f0a-1c2d3e4f5a6b')).toBe(true);
    expect(isUuid('acme')).toBe(false);
    expect(isUuid("' OR 1=1 --")).toBe(false);
  });
});
