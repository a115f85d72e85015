import { assessReplica, parseLsn } from './replica-health';

const MiB = 1024 * 1024;

describe('parseLsn', () => {
  it('reads both 32-bit halves of a WAL position', () => {
    expect(parseLsn('0/3000148')).toBe(0x3000148n);
    expect(parseLsn('16/B374D848')).toBe((0x16n << 32n) + 0xb374d848n);
  });
});

describe('assessReplica', () => {
  const replaying = { inRecovery: true, paused: false, replayLsn: '1/00000000' };

  it('uses a replaying replica within the lag limit, with its lag in bytes', () => {
    expect(assessReplica('r', replaying, '1/00100000', 16 * MiB)).toEqual({ name: 'r', usable: true, lagBytes: MiB, reason: null });
  });

  it('skips a replica further behind than the limit', () => {
    const state = assessReplica('r', replaying, '1/02000000', 16 * MiB);
    expect(state).toMatchObject({ usable: false, lagBytes: 32 * MiB });
    expect(state.reason).toMatch(/lagging/);
  });

  it('reports no negative lag when the replica was read after the primary moved on', () => {
    expect(assessReplica('r', { ...replaying, replayLsn: '1/00000100' }, '1/00000000', 0)).toMatchObject({ usable: true, lagBytes: 0 });
  });

  it('skips a replica whose replay is paused, however small its lag', () => {
    expect(assessReplica('r', { ...replaying, paused: true }, '1/00000000', 16 * MiB)).toMatchObject({ usable: false, lagBytes: 0, reason: 'replay paused' });
  });

  it('skips a replica that did not answer', () => {
    expect(assessReplica('r', new Error('connect ECONNREFUSED'), '1/0', 16 * MiB)).toMatchObject({ usable: false, reason: 'down: connect ECONNREFUSED' });
  });

  it('skips a server that is no longer a standby (it would never catch up)', () => {
    expect(assessReplica('r', { inRecovery: false, paused: false, replayLsn: null }, '1/0', 16 * MiB)).toMatchObject({ usable: false });
  });

  it('judges by pause and recovery alone when the primary could not be asked', () => {
    expect(assessReplica('r', replaying, null, 16 * MiB)).toEqual({ name: 'r', usable: true, lagBytes: null, reason: null });
  });
});
