import { z } from 'zod';

const optional = <T extends z.ZodTypeAny>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema.optional());
const positive = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const flag = z
  .enum(['true', 'false', '1', '0'])
  .default('false')
  .transform((value) => value === 'true' || value === '1');

/** Notifications (email, web push, SMS), partner webhooks and the background jobs that send them. */
export const notificationEnvironment = {
  SMTP_URL: optional(z.string().url()),
  MAIL_FROM: z.string().default('WaitLessQ <no-reply@waitlessq.local>'),
  // An uncompressed P-256 public key, base64url (65 bytes: 87 characters without padding).
  // Empty counts as unset (compose passes `${VAPID_PUBLIC_KEY:-}`).
  VAPID_PUBLIC_KEY: optional(z.string().regex(/^[A-Za-z0-9_-]{86,88}$/, 'must be a VAPID public key (base64url of an uncompressed P-256 point)')),
  VAPID_PRIVATE_KEY: optional(z.string().regex(/^[A-Za-z0-9_-]{42,44}$/, 'must be a VAPID private key (base64url of a 32-byte P-256 scalar)')),
  VAPID_SUBJECT: optional(z.string().regex(/^(mailto:|https:\/\/)/, 'must be a mailto: or https: URL')),
  SMS_PROVIDER_URL: optional(z.string().url()),
  SMS_ACCOUNT_SID: optional(z.string()),
  SMS_AUTH_TOKEN: optional(z.string()),
  SMS_FROM: optional(z.string()),
  WEBHOOKS_ALLOW_PRIVATE_ADDRESSES: flag,
  WEBHOOK_DISABLE_AFTER_FAILURES: positive(5),
  JOBS_EMAIL_CONCURRENCY: positive(5),
  JOBS_PUSH_CONCURRENCY: positive(20),
  JOBS_SMS_CONCURRENCY: positive(5),
  JOBS_WEBHOOK_CONCURRENCY: positive(20),
  JOBS_SMS_PER_SECOND: positive(10),
  JOBS_EMAIL_PER_SECOND: positive(20),
};

type NotificationEnvironment = z.infer<z.ZodObject<typeof notificationEnvironment>>;

export interface NotificationConfig {
  /** SMTP_URL (smtp:// or smtps://); null writes emails to the log instead (development; in production email is then off). */
  email: { smtpUrl: string | null; from: string };
  /** Web push: the VAPID key pair and subject; push is off unless all three are set. */
  push: { vapidPublicKey: string | null; vapidPrivateKey: string | null; vapidSubject: string | null };
  /** The SMS provider's REST API (a Twilio-style Messages resource); null leaves SMS off. */
  sms: { providerUrl: string | null; accountSid: string | null; authToken: string | null; from: string | null };
  webhooks: {
    /** Deliver to loopback, private and link-local addresses (tests only: server-side request forgery otherwise). */
    allowPrivateAddresses: boolean;
    /** Deliveries failed for good in a row after which an endpoint is disabled. */
    disableAfterFailures: number;
  };
  /** Jobs in flight per worker process, per channel, and provider rate limits (per second, all workers). */
  jobs: {
    concurrency: { email: number; push: number; sms: number; webhooks: number };
    perSecond: { email: number; sms: number };
  };
}

export function notificationConfig(e: NotificationEnvironment): NotificationConfig {
  return {
    email: { smtpUrl: e.SMTP_URL ?? null, from: e.MAIL_FROM },
    push: { vapidPublicKey: e.VAPID_PUBLIC_KEY ?? null, vapidPrivateKey: e.VAPID_PRIVATE_KEY ?? null, vapidSubject: e.VAPID_SUBJECT ?? null },
    sms: { providerUrl: e.SMS_PROVIDER_URL ?? null, accountSid: e.SMS_ACCOUNT_SID ?? null, authToken: e.SMS_AUTH_TOKEN ?? null, from: e.SMS_FROM ?? null },
    webhooks: { allowPrivateAddresses: e.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES, disableAfterFailures: e.WEBHOOK_DISABLE_AFTER_FAILURES },
    jobs: {
      concurrency: { email: e.JOBS_EMAIL_CONCURRENCY, push: e.JOBS_PUSH_CONCURRENCY, sms: e.JOBS_SMS_CONCURRENCY, webhooks: e.JOBS_WEBHOOK_CONCURRENCY },
      perSecond: { email: e.JOBS_EMAIL_PER_SECOND, sms: e.JOBS_SMS_PER_SECOND },
    },
  };
}
