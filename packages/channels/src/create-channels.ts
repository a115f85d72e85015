import type { Config } from '@waitlessq/config';
import type { Logger } from '@waitlessq/observability';
import type { Channels } from './channels';
import { createEmailChannel } from './email';
import { createPushChannel } from './push';
import { createSmsChannel } from './sms';

/** Every channel this configuration enables; push and SMS are null when not configured. */
export function createChannels(config: Config, logger: Logger): Channels {
  const email = createEmailChannel(config.notifications.email, logger.child({ channel: 'email' }), {
    // In production, emails in the log would leak addresses and content, and "sent" would be untrue.
    withoutSmtp: config.env === 'production' ? 'off' : 'log',
  });
  const push = createPushChannel(config.push);
  const sms = createSmsChannel(config.notifications.sms);
  logger.info({ email: email.kind, push: push !== null, sms: sms !== null }, 'notification channels');
  if (email.kind === 'off') logger.warn('SMTP_URL is not set: no email will be sent');
  return { email, push, sms };
}
