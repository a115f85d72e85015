/**
 * The ways a person is told something, each behind one interface: the workers send through
 * these and never know the provider. Every implementation throws on a failure worth retrying
 * and returns what the caller must record otherwise.
 */

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** BCP 47 language of the message (the Content-Language header). */
  language: string;
  /** The one-click unsubscribe link (List-Unsubscribe and List-Unsubscribe-Post headers, RFC 8058). */
  unsubscribeUrl?: string;
}

export interface EmailChannel {
  /** `log`: written to the log, not sent (development); `off`: every send fails for good (no SMTP_URL in production). */
  readonly kind: 'smtp' | 'log' | 'off';
  send(message: EmailMessage): Promise<{ messageId: string }>;
}

export interface PushSubscriptionKeys {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface PushMessage {
  subscription: PushSubscriptionKeys;
  /** Encrypted for the subscription (RFC 8291); the app's service worker shows it. */
  payload: { title: string; body: string; url: string; tag: string };
  /** How long the push service may hold it; "called" is short-lived and urgent. */
  ttlSeconds: number;
  urgency: 'very-low' | 'low' | 'normal' | 'high';
}

export interface PushChannel {
  /** `gone`: the push service answered 404 or 410, the subscription is dead and must be removed. */
  send(message: PushMessage): Promise<{ gone: boolean }>;
}

export interface SmsMessage {
  /** E.164. */
  to: string;
  body: string;
  /** Where the provider reports the delivery status of this message. */
  statusCallbackUrl?: string;
}

export interface SmsChannel {
  send(message: SmsMessage): Promise<{ messageId: string; status: string }>;
}

export interface Channels {
  email: EmailChannel;
  /** Null when VAPID keys are not configured. */
  push: PushChannel | null;
  /** Null when no SMS provider is configured. */
  sms: SmsChannel | null;
}
