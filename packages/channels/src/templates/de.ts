import type { Messages } from './types';

const ticket = (t: string | null) => (t ? ` ${t}` : '');

export const de: Messages = {
  kinds: {
    JOINED: {
      subject: (v) => `Sie stehen in der Warteschlange bei ${v.business}`,
      intro: (v) => `Sie haben sich bei ${v.business} in die Warteschlange „${v.queue}“ eingereiht. Wir melden uns, wenn Sie bald an der Reihe sind.`,
      details: ['ticket', 'position', 'wait'],
      pushTitle: (v) => `Angemeldet bei ${v.business}`,
      sms: (v) => `${v.business}: Sie sind angemeldet${v.ticket ? `, Nummer ${v.ticket}` : ''}${v.position ? `, Platz ${v.position}` : ''}.`,
    },
    GETTING_CLOSE: {
      subject: (v) => `Gleich sind Sie an der Reihe bei ${v.business}`,
      intro: (v) => `Bei ${v.business} sind Sie gleich an der Reihe. Bitte kommen Sie zurück.`,
      details: ['ticket', 'position', 'wait'],
      pushTitle: () => 'Gleich sind Sie dran',
      sms: (v) => `${v.business}: gleich sind Sie dran${ticket(v.ticket)}${v.position ? ` (Platz ${v.position})` : ''}, bitte zurück.`,
    },
    CALLED: {
      subject: (v) => `Sie sind an der Reihe bei ${v.business}`,
      intro: (v) =>
        v.counter
          ? `Sie sind an der Reihe. Bitte kommen Sie jetzt zu: ${v.counter}.`
          : `Sie sind bei ${v.business} an der Reihe. Bitte kommen Sie jetzt nach vorne.`,
      details: ['ticket', 'counter'],
      pushTitle: (v) => `Sie sind dran${ticket(v.ticket)}`,
      sms: (v) => `${v.business}: Sie sind dran${ticket(v.ticket)}!${v.counter ? ` Bitte zu: ${v.counter}.` : ''}`,
    },
    RECALLED: {
      subject: (v) => `Erneuter Aufruf bei ${v.business}`,
      intro: (v) =>
        v.counter
          ? `Wir haben Sie aufgerufen, aber nicht angetroffen. Bitte kommen Sie jetzt zu: ${v.counter}.`
          : 'Wir haben Sie aufgerufen, aber nicht angetroffen. Bitte kommen Sie jetzt nach vorne.',
      details: ['ticket', 'counter'],
      pushTitle: (v) => `Erneuter Aufruf${ticket(v.ticket)}`,
      sms: (v) => `${v.business}: erneuter Aufruf${ticket(v.ticket)}!${v.counter ? ` Bitte zu: ${v.counter}.` : ''}`,
    },
    APPOINTMENT_CONFIRMED: {
      subject: (v) => `Termin bestätigt bei ${v.business}`,
      intro: (v) => `Ihr Termin bei ${v.business} ist bestätigt${v.when ? `: ${v.when}` : ''}.`,
      details: ['when', 'ticket'],
      pushTitle: () => 'Termin bestätigt',
      sms: (v) => `${v.business}: Termin bestätigt${v.whenShort ? `, ${v.whenShort}` : ''}.`,
    },
    APPOINTMENT_REMINDER: {
      subject: (v) => `Erinnerung an Ihren Termin bei ${v.business}`,
      intro: (v) => `Wir erinnern Sie an Ihren Termin bei ${v.business}${v.when ? ` am ${v.when}` : ''}.`,
      details: ['when', 'ticket'],
      pushTitle: () => 'Terminerinnerung',
      sms: (v) => `${v.business}: Erinnerung an Ihren Termin${v.whenShort ? ` ${v.whenShort}` : ''}.`,
    },
    APPOINTMENT_CANCELLED: {
      subject: (v) => `Termin abgesagt bei ${v.business}`,
      intro: (v) => `Ihr Termin bei ${v.business}${v.when ? ` am ${v.when}` : ''} wurde abgesagt.`,
      details: ['when'],
      pushTitle: () => 'Termin abgesagt',
      sms: (v) => `${v.business}: Ihr Termin${v.whenShort ? ` ${v.whenShort}` : ''} wurde abgesagt.`,
    },
  },
  details: {
    ticket: (t) => `Nummer: ${t}`,
    position: (p) => `Platz in der Warteschlange: ${p}`,
    wait: (m) => `Geschätzte Wartezeit: etwa ${m} ${m === 1 ? 'Minute' : 'Minuten'}`,
    counter: (c) => `Wo: ${c}`,
    when: (w) => `Wann: ${w}`,
  },
  viewTicket: 'Ihren Platz in der Warteschlange ansehen',
  unsubscribe: 'Diese Benachrichtigungen abbestellen',
  footer: (b) => `Sie erhalten diese Nachricht, weil Sie sich bei ${b} angemeldet oder einen Termin gebucht haben.`,
  smsOptOut: 'Antworten Sie STOP zum Abmelden',
  invitation: {
    subject: (o) => `Einladung zu ${o} bei WaitLessQ`,
    intro: (i, o, r) => `${i} hat Sie eingeladen, ${o} bei WaitLessQ als ${r} beizutreten.`,
    accept: 'Einladung annehmen',
    expires: (w) => `Die Einladung läuft am ${w} ab.`,
    ignore: 'Wenn Sie diese Einladung nicht erwartet haben, können Sie diese E-Mail ignorieren.',
  },
  roles: { OWNER: 'Inhaber', ADMIN: 'Administrator', MANAGER: 'Manager', STAFF: 'Mitarbeiter', VIEWER: 'Betrachter' },
};
