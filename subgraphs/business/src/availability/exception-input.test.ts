import { parseExceptionInput, sameExceptionContent } from './exception-input';

const badInput = (field: string) => expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field } });
const today = '2026-12-02';
const base = { businessId: 'b', date: '2026-12-24' };

describe('parseExceptionInput', () => {
  it('closes a whole day for CLOSED and HOLIDAY, trimming the reason', () => {
    expect(parseExceptionInput({ ...base, kind: 'HOLIDAY', reason: ' Christmas Eve ' }, today)).toEqual({
      date: '2026-12-24',
      kind: 'HOLIDAY',
      opensAt: null,
      closesAt: null,
      reason: 'Christmas Eve',
    });
    expect(parseExceptionInput({ ...base, kind: 'CLOSED', opensAt: null, reason: ' ' }, today)).toMatchObject({ kind: 'CLOSED', reason: null });
  });

  it('refuses hours with a whole-day kind rather than dropping them', () => {
    expect(() => parseExceptionInput({ ...base, kind: 'CLOSED', opensAt: '09:00' }, today)).toThrow(badInput('opensAt'));
    expect(() => parseExceptionInput({ ...base, kind: 'HOLIDAY', closesAt: '12:00' }, today)).toThrow(badInput('closesAt'));
  });

  it('needs both hours for SPECIAL_HOURS, closing after opening (24:00 allowed)', () => {
    expect(parseExceptionInput({ ...base, kind: 'SPECIAL_HOURS', opensAt: '18:00', closesAt: '24:00' }, today)).toMatchObject({
      opensAt: 1080,
      closesAt: 1440,
    });
    expect(() => parseExceptionInput({ ...base, kind: 'SPECIAL_HOURS', closesAt: '12:00' }, today)).toThrow(badInput('opensAt'));
    expect(() => parseExceptionInput({ ...base, kind: 'SPECIAL_HOURS', opensAt: '09:00' }, today)).toThrow(badInput('closesAt'));
    expect(() => parseExceptionInput({ ...base, kind: 'SPECIAL_HOURS', opensAt: '12:00', closesAt: '09:00' }, today)).toThrow(badInput('closesAt'));
    expect(() => parseExceptionInput({ ...base, kind: 'SPECIAL_HOURS', opensAt: '9am', closesAt: '12:00' }, today)).toThrow(badInput('opensAt'));
  });

  it('takes today or a later day, up to three years ahead, as a real calendar date', () => {
    expect(parseExceptionInput({ ...base, date: today, kind: 'CLOSED' }, today).date).toBe(today);
    expect(() => parseExceptionInput({ ...base, date: '2026-12-01', kind: 'CLOSED' }, today)).toThrow(badInput('date'));
    expect(() => parseExceptionInput({ ...base, date: '2030-01-01', kind: 'CLOSED' }, today)).toThrow(badInput('date'));
    expect(() => parseExceptionInput({ ...base, date: '2027-02-29', kind: 'CLOSED' }, today)).toThrow(badInput('date'));
    expect(() => parseExceptionInput({ ...base, date: '24.12.2026', kind: 'CLOSED' }, today)).toThrow(badInput('date'));
  });

  it('refuses a reason longer than 200 characters', () => {
    expect(() => parseExceptionInput({ ...base, kind: 'CLOSED', reason: 'x'.repeat(201) }, today)).toThrow(badInput('reason'));
  });
});

describe('sameExceptionContent', () => {
  const holiday = { date: '2026-12-24', kind: 'HOLIDAY' as const, opensAt: null, closesAt: null, reason: 'Christmas Eve' };
  it('tells a retry (same content) from a different exception for the same day', () => {
    expect(sameExceptionContent(holiday, { ...holiday })).toBe(true);
    expect(sameExceptionContent(holiday, { ...holiday, reason: null })).toBe(false);
    expect(sameExceptionContent(holiday, { ...holiday, kind: 'CLOSED' })).toBe(false);
  });
});
