import { notificationKinds, pickLanguage, renderInvitation, renderNotification, supportedLanguages, type NotificationContent } from './templates';
import { smsSegments } from './sms-segments';

const ticketUrl = 'https://app.waitlessq.example/v/clx9f2k3j0000abcdefgh?t=Zk3xQ9';
const unsubscribeUrl = 'https://app.waitlessq.example/unsubscribe?t=u9Xk2';
const content: NotificationContent = {
  businessName: 'Salon Mia',
  queueName: 'Walk-ins',
  ticket: 'A-042',
  position: 4,
  estimatedWaitMinutes: 12,
  counter: 'Desk 3',
  scheduledAt: new Date('2026-12-03T09:30:00Z'),
  timezone: 'Europe/Berlin',
  ticketUrl,
  unsubscribeUrl,
};
const optOut: Record<string, string> = {
  en: 'Reply STOP to opt out',
  de: 'Antworten Sie STOP zum Abmelden',
  fr: 'Répondez STOP pour vous désabonner',
  es: 'Responde STOP para darte de baja',
};
const cases = supportedLanguages.flatMap((language) => notificationKinds.map((kind) => [language, kind] as const));

describe('renderNotification', () => {
  it('lists every kind once (the union of NotificationKind in @waitlessq/jobs)', () => {
    expect([...new Set(notificationKinds)].sort()).toEqual([
      'APPOINTMENT_CANCELLED',
      'APPOINTMENT_CONFIRMED',
      'APPOINTMENT_REMINDER',
      'CALLED',
      'GETTING_CLOSE',
      'JOINED',
      'RECALLED',
    ]);
  });

  it.each(cases)('%s %s: a subject, text, HTML, SMS and push, each with the ticket link', (language, kind) => {
    const r = renderNotification(kind, language, content);
    for (const part of [r.subject, r.text, r.html, r.sms, r.push.title, r.push.body]) expect(part.trim()).not.toBe('');
    expect(r.subject).toContain('Salon Mia');
    expect(r.text).toContain(ticketUrl);
    expect(r.html).toContain(`href="${ticketUrl}"`);
    expect(r.html).toContain(`<html lang="${language}">`);
    expect(r.sms).toContain(ticketUrl);
    expect(r.sms.endsWith(optOut[language])).toBe(true);
    // A short name and a realistic link fit one GSM-7 segment in every language.
    expect(smsSegments(r.sms)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
  });

  it.each(cases)('%s %s: the unsubscribe link ends the email when given, and is absent otherwise', (language, kind) => {
    const withLink = renderNotification(kind, language, content);
    expect(withLink.text.trimEnd().endsWith(unsubscribeUrl)).toBe(true);
    expect(withLink.html).toMatch(new RegExp(`href="${unsubscribeUrl.replace(/[?.]/g, '\\$&')}"[^>]*>[^<]+</a></p>\\s*</body>`));
    const without = renderNotification(kind, language, { ...content, unsubscribeUrl: null });
    expect(without.text).not.toContain('unsubscribe');
    expect(without.html).not.toContain('unsubscribe');
  });

  it.each(cases)('%s %s: escapes user input in HTML', (language, kind) => {
    const hostile = { ...content, businessName: '<script>alert("x")</script> & Co', queueName: '<img src=x onerror=alert(1)>', counter: '<b>3</b>' };
    const r = renderNotification(kind, language, hostile);
    expect(r.html).not.toMatch(/<script|<img|<b>/);
    expect(r.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co');
    // Plain text parts keep the name as it was typed.
    expect(r.subject).toContain('<script>alert("x")</script> & Co');
  });

  it('shows an appointment as the business’s clock reads it, in the language', () => {
    const at = new Date('2026-12-03T09:30:00Z');
    expect(renderNotification('APPOINTMENT_REMINDER', 'de', content).text).toContain('Donnerstag, 3. Dezember 2026 um 10:30');
    expect(renderNotification('APPOINTMENT_REMINDER', 'en', { ...content, timezone: 'America/New_York' }).text).toContain(
      'Thursday, December 3, 2026 at 4:30 AM',
    );
    expect(renderNotification('APPOINTMENT_CONFIRMED', 'fr', { ...content, scheduledAt: at, timezone: 'Europe/Paris' }).text).toContain(
      'jeudi 3 décembre 2026 à 10:30',
    );
    expect(renderNotification('APPOINTMENT_CANCELLED', 'es', { ...content, timezone: 'Europe/Madrid' }).sms).toContain('3/12, 10:30');
  });

  it('leaves out what is not known', () => {
    const r = renderNotification('JOINED', 'en', { ...content, ticket: null, position: null, estimatedWaitMinutes: null });
    expect(r.text).not.toMatch(/Ticket:|Place in line|Estimated wait/);
    expect(renderNotification('CALLED', 'en', { ...content, counter: null }).text).toContain('Please come to the front');
    expect(renderNotification('CALLED', 'en', content).text).toContain('Please go to Desk 3');
  });

  it('writes the language of a BCP 47 tag, English for an unsupported one', () => {
    expect(renderNotification('CALLED', 'de-AT', content).subject).toBe('Sie sind an der Reihe bei Salon Mia');
    expect(renderNotification('CALLED', 'ja', content).subject).toBe("It's your turn at Salon Mia");
  });

  it('shortens a long business name in the SMS only', () => {
    const long = 'The Extraordinarily Long Name of a Barber Shop';
    const r = renderNotification('JOINED', 'en', { ...content, businessName: long });
    expect(r.subject).toContain(long);
    expect(r.sms).not.toContain(long);
    expect(r.sms).toMatch(/^The Extraordinarily L\.\.\.: /);
    expect(smsSegments(r.sms).segments).toBe(1);
  });
});

describe('pickLanguage', () => {
  it('matches the primary subtag of a tag or an Accept-Language list, then the fallback, then English', () => {
    expect(pickLanguage('de-AT')).toBe('de');
    expect(pickLanguage('FR_ca')).toBe('fr');
    expect(pickLanguage('ja-JP,es;q=0.8,de;q=0.9')).toBe('de');
    expect(pickLanguage('pt-BR', 'es-MX')).toBe('es');
    expect(pickLanguage(null, 'fr')).toBe('fr');
    expect(pickLanguage(undefined)).toBe('en');
    expect(pickLanguage('', 'xx')).toBe('en');
  });
});

describe('renderInvitation', () => {
  const invitation = {
    organizationName: 'Acme <Clinics>',
    inviterName: 'Ann',
    role: 'MANAGER',
    acceptUrl: 'https://app.waitlessq.example/invite?t=abc',
    expiresAt: new Date('2026-12-10T12:00:00Z'),
  };

  it.each(supportedLanguages)('%s: subject, text and HTML with the link, the role and the expiry', (language) => {
    const r = renderInvitation(language, invitation);
    expect(r.subject).toContain('Acme <Clinics>');
    expect(r.text).toContain(invitation.acceptUrl);
    expect(r.text).toContain('2026');
    expect(r.html).toContain(`href="${invitation.acceptUrl}"`);
    expect(r.html).toContain('Acme &lt;Clinics&gt;');
    expect(r.html).not.toContain('<Clinics>');
  });

  it('translates the role and shows the expiry in the zone given', () => {
    expect(renderInvitation('de', invitation).text).toContain('als Manager');
    expect(renderInvitation('fr', { ...invitation, role: 'STAFF' }).text).toContain('en tant que membre du personnel');
    expect(renderInvitation('en', { ...invitation, timezone: 'America/New_York' }).text).toContain('December 10, 2026 at 7:00 AM (America/New_York)');
  });
});
