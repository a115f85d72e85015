import type { NotificationKind } from '@waitlessq/jobs';

/** The kinds of notification a visit gets: the catalogue of jobs has them (@waitlessq/jobs). */
export type { NotificationKind };

export const notificationKinds: readonly NotificationKind[] = [
  'JOINED',
  'GETTING_CLOSE',
  'CALLED',
  'RECALLED',
  'APPOINTMENT_CONFIRMED',
  'APPOINTMENT_REMINDER',
  'APPOINTMENT_CANCELLED',
];

/** What a notification says; every name here is user input (escaped in HTML). */
export interface NotificationContent {
  businessName: string;
  queueName: string;
  ticket: string | null;
  position: number | null;
  estimatedWaitMinutes: number | null;
  counter: string | null;
  /** The appointment's start. */
  scheduledAt: Date | null;
  /** The business's IANA time zone: times are shown as the business's clock reads them. */
  timezone: string;
  ticketUrl: string;
  /** The one-click unsubscribe link; null leaves it out. */
  unsubscribeUrl: string | null;
}

export interface RenderedNotification {
  subject: string;
  /** The email's plain text part. */
  text: string;
  /** The email's HTML part (a whole document). */
  html: string;
  /** The SMS body, with the ticket link and the opt-out instruction. */
  sms: string;
  push: { title: string; body: string };
}

export interface InvitationContent {
  organizationName: string;
  inviterName: string;
  /** OWNER, ADMIN, MANAGER, STAFF, VIEWER (shown translated; anything else as it is). */
  role: string;
  acceptUrl: string;
  expiresAt: Date;
  /** The zone the expiry is shown in (default UTC, named in the text). */
  timezone?: string;
}

export interface RenderedInvitation {
  subject: string;
  text: string;
  html: string;
}

/** A notification's facts, formatted for one language. Names are raw here; HTML escapes them later. */
export interface View {
  business: string;
  queue: string;
  ticket: string | null;
  position: number | null;
  waitMinutes: number | null;
  counter: string | null;
  /** The appointment's start, long form (email, push). */
  when: string | null;
  /** The appointment's start, digits only (SMS). */
  whenShort: string | null;
}

export type DetailLine = 'ticket' | 'position' | 'wait' | 'counter' | 'when';

export interface KindTemplate {
  subject(v: View): string;
  /** The opening sentence of the email, and the body of the push. */
  intro(v: View): string;
  /** The facts listed under the intro, in this order, where known. */
  details: readonly DetailLine[];
  pushTitle(v: View): string;
  /** The SMS's message, before the link and the opt-out; keep it short and GSM-7 (no â, ç, á, ’...). */
  sms(v: View): string;
}

/** One language's words: plain typed objects, no template engine. */
export interface Messages {
  kinds: Record<NotificationKind, KindTemplate>;
  details: {
    ticket(ticket: string): string;
    position(position: number): string;
    wait(minutes: number): string;
    counter(counter: string): string;
    when(when: string): string;
  };
  viewTicket: string;
  unsubscribe: string;
  /** Why this email came (shown above the unsubscribe link). */
  footer(business: string): string;
  smsOptOut: string;
  invitation: {
    subject(organization: string): string;
    intro(inviter: string, organization: string, role: string): string;
    accept: string;
    expires(when: string): string;
    ignore: string;
  };
  roles: Record<string, string>;
}
