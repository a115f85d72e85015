import type { Messages } from './types';

const ticket = (t: string | null) => (t ? ` ${t}` : '');

export const en: Messages = {
  kinds: {
    JOINED: {
      subject: (v) => `You're in line at ${v.business}`,
      intro: (v) => `You joined the line "${v.queue}" at ${v.business}. We'll let you know when your turn is near.`,
      details: ['ticket', 'position', 'wait'],
      pushTitle: (v) => `You're in line at ${v.business}`,
      sms: (v) => `${v.business}: you're in line${v.ticket ? `, ticket ${v.ticket}` : ''}${v.position ? `, number ${v.position}` : ''}.`,
    },
    GETTING_CLOSE: {
      subject: (v) => `Almost your turn at ${v.business}`,
      intro: (v) => `Your turn at ${v.business} is coming up soon. Please make your way back.`,
      details: ['ticket', 'position', 'wait'],
      pushTitle: () => 'Almost your turn',
      sms: (v) => `${v.business}: almost your turn${ticket(v.ticket)}${v.position ? ` (number ${v.position})` : ''}. Please come back.`,
    },
    CALLED: {
      subject: (v) => `It's your turn at ${v.business}`,
      intro: (v) => (v.counter ? `It's your turn. Please go to ${v.counter} now.` : `It's your turn at ${v.business}. Please come to the front now.`),
      details: ['ticket', 'counter'],
      pushTitle: (v) => `It's your turn${ticket(v.ticket)}`,
      sms: (v) => `${v.business}: it's your turn${ticket(v.ticket)}!${v.counter ? ` Go to ${v.counter}.` : ''}`,
    },
    RECALLED: {
      subject: (v) => `You're being called again at ${v.business}`,
      intro: (v) =>
        v.counter
          ? `We called you but couldn't find you. Please go to ${v.counter} now.`
          : `We called you but couldn't find you. Please come to the front now.`,
      details: ['ticket', 'counter'],
      pushTitle: (v) => `Called again${ticket(v.ticket)}`,
      sms: (v) => `${v.business}: calling you again${ticket(v.ticket)}!${v.counter ? ` Go to ${v.counter}.` : ''}`,
    },
    APPOINTMENT_CONFIRMED: {
      subject: (v) => `Appointment confirmed at ${v.business}`,
      intro: (v) => `Your appointment at ${v.business} is confirmed${v.when ? ` for ${v.when}` : ''}.`,
      details: ['when', 'ticket'],
      pushTitle: () => 'Appointment confirmed',
      sms: (v) => `${v.business}: appointment confirmed${v.whenShort ? ` for ${v.whenShort}` : ''}.`,
    },
    APPOINTMENT_REMINDER: {
      subject: (v) => `Reminder: your appointment at ${v.business}`,
      intro: (v) => `This is a reminder of your appointment at ${v.business}${v.when ? ` on ${v.when}` : ''}.`,
      details: ['when', 'ticket'],
      pushTitle: () => 'Appointment reminder',
      sms: (v) => `${v.business}: reminder of your appointment${v.whenShort ? ` ${v.whenShort}` : ''}.`,
    },
    APPOINTMENT_CANCELLED: {
      subject: (v) => `Appointment cancelled at ${v.business}`,
      intro: (v) => `Your appointment at ${v.business}${v.when ? ` on ${v.when}` : ''} has been cancelled.`,
      details: ['when'],
      pushTitle: () => 'Appointment cancelled',
      sms: (v) => `${v.business}: your appointment${v.whenShort ? ` ${v.whenShort}` : ''} is cancelled.`,
    },
  },
  details: {
    ticket: (t) => `Ticket: ${t}`,
    position: (p) => `Place in line: ${p}`,
    wait: (m) => `Estimated wait: about ${m} ${m === 1 ? 'minute' : 'minutes'}`,
    counter: (c) => `Where: ${c}`,
    when: (w) => `When: ${w}`,
  },
  viewTicket: 'See your place in line',
  unsubscribe: 'Unsubscribe from these notifications',
  footer: (b) => `You receive this message because you joined a line or booked an appointment at ${b}.`,
  smsOptOut: 'Reply STOP to opt out',
  invitation: {
    subject: (o) => `You're invited to join ${o} on WaitLessQ`,
    intro: (i, o, r) => `${i} invited you to join ${o} on WaitLessQ as ${r}.`,
    accept: 'Accept the invitation',
    expires: (w) => `The invitation expires on ${w}.`,
    ignore: "If you weren't expecting this invitation, you can ignore this email.",
  },
  roles: { OWNER: 'owner', ADMIN: 'admin', MANAGER: 'manager', STAFF: 'staff member', VIEWER: 'viewer' },
};
