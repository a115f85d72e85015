import type { Messages } from './types';

const ticket = (t: string | null) => (t ? ` ${t}` : '');

// The SMS lines avoid letters outside the GSM alphabet (ê, ç, ô...): one of them turns the
// whole message into UCS-2, 70 characters a segment instead of 160.
export const fr: Messages = {
  kinds: {
    JOINED: {
      subject: (v) => `Vous êtes dans la file chez ${v.business}`,
      intro: (v) => `Vous avez rejoint la file « ${v.queue} » chez ${v.business}. Nous vous préviendrons quand votre tour approchera.`,
      details: ['ticket', 'position', 'wait'],
      pushTitle: (v) => `Inscrit chez ${v.business}`,
      sms: (v) => `${v.business} : ${v.ticket ? `ticket ${v.ticket}, ` : ''}${v.position ? `place ${v.position} ` : 'inscrit '}dans la file.`,
    },
    GETTING_CLOSE: {
      subject: (v) => `Bientôt votre tour chez ${v.business}`,
      intro: (v) => `Votre tour chez ${v.business} approche. Merci de revenir dès maintenant.`,
      details: ['ticket', 'position', 'wait'],
      pushTitle: () => 'Votre tour approche',
      sms: (v) => `${v.business} : votre tour approche${ticket(v.ticket)}${v.position ? ` (place ${v.position})` : ''}, revenez.`,
    },
    CALLED: {
      subject: (v) => `C'est votre tour chez ${v.business}`,
      intro: (v) =>
        v.counter
          ? `C'est votre tour. Présentez-vous maintenant à : ${v.counter}.`
          : `C'est votre tour chez ${v.business}. Présentez-vous maintenant à l'accueil.`,
      details: ['ticket', 'counter'],
      pushTitle: (v) => `C'est votre tour${ticket(v.ticket)}`,
      sms: (v) => `${v.business} : votre tour${ticket(v.ticket)} !${v.counter ? ` Allez à : ${v.counter}.` : ''}`,
    },
    RECALLED: {
      subject: (v) => `Nouvel appel chez ${v.business}`,
      intro: (v) =>
        v.counter
          ? `Nous vous avons appelé sans vous trouver. Présentez-vous maintenant à : ${v.counter}.`
          : `Nous vous avons appelé sans vous trouver. Présentez-vous maintenant à l'accueil.`,
      details: ['ticket', 'counter'],
      pushTitle: (v) => `Nouvel appel${ticket(v.ticket)}`,
      sms: (v) => `${v.business} : nouvel appel${ticket(v.ticket)} !${v.counter ? ` Allez à : ${v.counter}.` : ''}`,
    },
    APPOINTMENT_CONFIRMED: {
      subject: (v) => `Rendez-vous confirmé chez ${v.business}`,
      intro: (v) => `Votre rendez-vous chez ${v.business} est confirmé${v.when ? ` pour le ${v.when}` : ''}.`,
      details: ['when', 'ticket'],
      pushTitle: () => 'Rendez-vous confirmé',
      sms: (v) => `${v.business} : rendez-vous confirmé${v.whenShort ? ` le ${v.whenShort}` : ''}.`,
    },
    APPOINTMENT_REMINDER: {
      subject: (v) => `Rappel : votre rendez-vous chez ${v.business}`,
      intro: (v) => `Nous vous rappelons votre rendez-vous chez ${v.business}${v.when ? ` le ${v.when}` : ''}.`,
      details: ['when', 'ticket'],
      pushTitle: () => 'Rappel de rendez-vous',
      sms: (v) => `${v.business} : rappel, rendez-vous${v.whenShort ? ` le ${v.whenShort}` : ''}.`,
    },
    APPOINTMENT_CANCELLED: {
      subject: (v) => `Rendez-vous annulé chez ${v.business}`,
      intro: (v) => `Votre rendez-vous chez ${v.business}${v.when ? ` du ${v.when}` : ''} a été annulé.`,
      details: ['when'],
      pushTitle: () => 'Rendez-vous annulé',
      sms: (v) => `${v.business} : votre rendez-vous${v.whenShort ? ` du ${v.whenShort}` : ''} est annulé.`,
    },
  },
  details: {
    ticket: (t) => `Ticket : ${t}`,
    position: (p) => `Place dans la file : ${p}`,
    wait: (m) => `Attente estimée : environ ${m} ${m === 1 ? 'minute' : 'minutes'}`,
    counter: (c) => `Où : ${c}`,
    when: (w) => `Quand : ${w}`,
  },
  viewTicket: 'Voir votre place dans la file',
  unsubscribe: 'Se désabonner de ces notifications',
  footer: (b) => `Vous recevez ce message car vous avez rejoint une file ou pris rendez-vous chez ${b}.`,
  smsOptOut: 'Répondez STOP pour vous désabonner',
  invitation: {
    subject: (o) => `Invitation à rejoindre ${o} sur WaitLessQ`,
    intro: (i, o, r) => `${i} vous invite à rejoindre ${o} sur WaitLessQ en tant que ${r}.`,
    accept: "Accepter l'invitation",
    expires: (w) => `L'invitation expire le ${w}.`,
    ignore: "Si vous n'attendiez pas cette invitation, vous pouvez ignorer cet e-mail.",
  },
  roles: { OWNER: 'propriétaire', ADMIN: 'administrateur', MANAGER: 'responsable', STAFF: 'membre du personnel', VIEWER: 'observateur' },
};
