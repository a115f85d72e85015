import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { NotificationConfig } from '@waitlessq/config';
import type { Logger } from '@waitlessq/observability';
import type { EmailChannel, EmailMessage } from './channels';
import { PermanentSendError } from './errors';

export interface EmailChannelOptions {
  /**
   * With no SMTP_URL: `log` writes each message to the log (development, tests); `off` refuses
   * each one with a PermanentSendError (production, where a log of emails would be a leak and a
   * pretend "sent" a lie).
   */
  withoutSmtp?: 'log' | 'off';
}

/** Email over SMTP (nodemailer) from SMTP_URL, or, without one, to the log. */
export function createEmailChannel(config: NotificationConfig['email'], logger: Logger, options: EmailChannelOptions = {}): EmailChannel {
  if (config.smtpUrl) return createSmtpChannel(config.smtpUrl, config.from);
  return options.withoutSmtp === 'off' ? createOffChannel() : createLogChannel(logger);
}

function createSmtpChannel(smtpUrl: string, from: string): EmailChannel {
  // One connection per message: nothing stays open between jobs, so a worker shuts down without
  // closing a pool, and a server that dropped an idle connection costs nothing.
  // Timeouts well under a job's lifetime (nodemailer waits up to 2 min to connect, 10 to idle).
  const transport = nodemailer.createTransport({ url: smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
  return {
    kind: 'smtp',
    async send(message) {
      try {
        const info = await transport.sendMail({
          from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
          headers: headersOf(message),
        });
        return { messageId: info.messageId };
      } catch (error) {
        throw classifySmtpError(error);
      }
    },
  };
}

function createLogChannel(logger: Logger): EmailChannel {
  return {
    kind: 'log',
    async send(message) {
      const messageId = `<${randomUUID()}@log.waitlessq.local>`;
      logger.info(
        {
          email: { messageId, to: message.to, subject: message.subject, language: message.language, unsubscribeUrl: message.unsubscribeUrl ?? null },
          text: message.text,
        },
        'email written to the log, not sent (no SMTP_URL)',
      );
      return { messageId };
    },
  };
}

function createOffChannel(): EmailChannel {
  return {
    kind: 'off',
    async send() {
      throw new PermanentSendError('email is off: no SMTP_URL is configured', { channel: 'email' });
    },
  };
}

function headersOf(message: EmailMessage): Record<string, string> {
  const headers: Record<string, string> = { 'Content-Language': message.language };
  if (message.unsubscribeUrl) {
    // RFC 8058: a mail client may unsubscribe with one POST, without opening a page.
    headers['List-Unsubscribe'] = `<${message.unsubscribeUrl}>`;
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  }
  return headers;
}

interface SmtpError {
  code?: string;
  responseCode?: number;
  response?: string;
}

/**
 * A 5xx reply to the envelope or the message is the server refusing this message for good.
 * A 5xx to the login (EAUTH) is our configuration, not the message: retried, so mail flows
 * again once the credentials are fixed. Everything else (4xx, connection, timeout) is transient.
 */
function classifySmtpError(error: unknown): unknown {
  const smtp = (error ?? {}) as SmtpError;
  const code = smtp.responseCode;
  if (typeof code === 'number' && code >= 500 && code < 600 && smtp.code !== 'EAUTH') {
    const enhanced = smtp.response?.match(/^\d{3}[ -](\d\.\d{1,3}\.\d{1,3})/)?.[1];
    return new PermanentSendError(
      `the SMTP server refused the message: ${smtp.response ?? code}`,
      { channel: 'email', status: code, providerCode: enhanced },
      { cause: error },
    );
  }
  return error;
}
