import type { Messages } from './types';

const ticket = (t: string | null) => (t ? ` ${t}` : '');

// The SMS lines avoid letters outside the GSM alphabet (á, í, ó, ú...): one of them turns the
// whole message into UCS-2, 70 characters a segment instead of 160.
export const es: Messages = {
  kinds: {
    JOINED: {
      subject: (v) => `Ya estás en la fila de ${v.business}`,
      intro: (v) => `Te has unido a la fila «${v.queue}» de ${v.business}. Te avisaremos cuando se acerque tu turno.`,
      details: ['ticket', 'position', 'wait'],
      pushTitle: (v) => `En la fila de ${v.business}`,
      sms: (v) => `${v.business}: ${v.ticket ? `turno ${v.ticket}, ` : ''}${v.position ? `puesto ${v.position} ` : 'ya '}en la fila.`,
    },
    GETTING_CLOSE: {
      subject: (v) => `Casi es tu turno en ${v.business}`,
      intro: (v) => `Tu turno en ${v.business} se acerca. Por favor, vuelve ya.`,
      details: ['ticket', 'position', 'wait'],
      pushTitle: () => 'Casi es tu turno',
      sms: (v) => `${v.business}: casi es tu turno${ticket(v.ticket)}${v.position ? ` (puesto ${v.position})` : ''}. Por favor, vuelve.`,
    },
    CALLED: {
      subject: (v) => `Es tu turno en ${v.business}`,
      intro: (v) => (v.counter ? `Es tu turno. Por favor, acude ahora a: ${v.counter}.` : `Es tu turno en ${v.business}. Por favor, acude ahora al mostrador.`),
      details: ['ticket', 'counter'],
      pushTitle: (v) => `Es tu turno${ticket(v.ticket)}`,
      sms: (v) => `${v.business}: es tu turno${ticket(v.ticket)}!${v.counter ? ` Acude a: ${v.counter}.` : ''}`,
    },
    RECALLED: {
      subject: (v) => `Te volvemos a llamar en ${v.business}`,
      intro: (v) =>
        v.counter
          ? `Te llamamos pero no te encontramos. Por favor, acude ahora a: ${v.counter}.`
          : 'Te llamamos pero no te encontramos. Por favor, acude ahora al mostrador.',
      details: ['ticket', 'counter'],
      pushTitle: (v) => `Te volvemos a llamar${ticket(v.ticket)}`,
      sms: (v) => `${v.business}: te volvemos a llamar${ticket(v.ticket)}!${v.counter ? ` Acude a: ${v.counter}.` : ''}`,
    },
    APPOINTMENT_CONFIRMED: {
      subject: (v) => `Cita confirmada en ${v.business}`,
      intro: (v) => `Tu cita en ${v.business} está confirmada${v.when ? ` para el ${v.when}` : ''}.`,
      details: ['when', 'ticket'],
      pushTitle: () => 'Cita confirmada',
      sms: (v) => `${v.business}: cita confirmada${v.whenShort ? ` el ${v.whenShort}` : ''}.`,
    },
    APPOINTMENT_REMINDER: {
      subject: (v) => `Recordatorio: tu cita en ${v.business}`,
      intro: (v) => `Te recordamos tu cita en ${v.business}${v.when ? ` el ${v.when}` : ''}.`,
      details: ['when', 'ticket'],
      pushTitle: () => 'Recordatorio de cita',
      sms: (v) => `${v.business}: recordatorio de tu cita${v.whenShort ? ` el ${v.whenShort}` : ''}.`,
    },
    APPOINTMENT_CANCELLED: {
      subject: (v) => `Cita cancelada en ${v.business}`,
      intro: (v) => `Tu cita en ${v.business}${v.when ? ` del ${v.when}` : ''} ha sido cancelada.`,
      details: ['when'],
      pushTitle: () => 'Cita cancelada',
      sms: (v) => `${v.business}: tu cita${v.whenShort ? ` del ${v.whenShort}` : ''} ha sido cancelada.`,
    },
  },
  details: {
    ticket: (t) => `Turno: ${t}`,
    position: (p) => `Puesto en la fila: ${p}`,
    wait: (m) => `Espera estimada: unos ${m} ${m === 1 ? 'minuto' : 'minutos'}`,
    counter: (c) => `Dónde: ${c}`,
    when: (w) => `Cuándo: ${w}`,
  },
  viewTicket: 'Ver tu puesto en la fila',
  unsubscribe: 'Darse de baja de estas notificaciones',
  footer: (b) => `Recibes este mensaje porque te uniste a una fila o reservaste una cita en ${b}.`,
  smsOptOut: 'Responde STOP para darte de baja',
  invitation: {
    subject: (o) => `Invitación para unirte a ${o} en WaitLessQ`,
    intro: (i, o, r) => `${i} te ha invitado a unirte a ${o} en WaitLessQ como ${r}.`,
    accept: 'Aceptar la invitación',
    expires: (w) => `La invitación caduca el ${w}.`,
    ignore: 'Si no esperabas esta invitación, puedes ignorar este correo.',
  },
  roles: { OWNER: 'propietario', ADMIN: 'administrador', MANAGER: 'gerente', STAFF: 'empleado', VIEWER: 'observador' },
};
