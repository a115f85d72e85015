import { staffRoles, type StaffRole } from '@waitlessq/auth';
import { assertMayInvite, mayInvite } from './invite-rules';

describe('who may invite which role', () => {
  const table: Record<StaffRole, StaffRole[]> = {
    OWNER: ['ADMIN', 'MANAGER', 'STAFF', 'VIEWER'],
    ADMIN: ['ADMIN', 'MANAGER', 'STAFF', 'VIEWER'],
    MANAGER: ['STAFF', 'VIEWER'],
    STAFF: [],
    VIEWER: [],
  };

  it.each(staffRoles.flatMap((inviter) => staffRoles.map((role) => [inviter, role] as const)))('%s inviting %s', (inviter, role) => {
    const expected = table[inviter].includes(role);
    expect(mayInvite(inviter, role)).toBe(expected);
    if (expected) expect(() => assertMayInvite(inviter, role)).not.toThrow();
    else expect(() => assertMayInvite(inviter, role)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
  });

  it('nobody, not even an OWNER, invites an OWNER', () => {
    expect(() => assertMayInvite('OWNER', 'OWNER')).toThrow('Nobody can be invited as OWNER.');
  });

  it('tells a MANAGER what it may do instead', () => {
    expect(() => assertMayInvite('MANAGER', 'ADMIN')).toThrow('A MANAGER may invite STAFF, VIEWER only, not ADMIN.');
    expect(() => assertMayInvite('VIEWER', 'VIEWER')).toThrow('A VIEWER may not invite anyone; ask a MANAGER or higher.');
  });
});
