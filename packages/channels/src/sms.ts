import type { NotificationConfig } from '@waitlessq/config';
import type { SmsChannel } from './channels';
import { PermanentSendError } from './errors';

export interface SmsChannelOptions {
  /** How long to wait for the provider (default 10 s); a timeout is retried. */
  timeoutMs?: number;
}

/**
 * SMS through a Twilio-style REST API: POST to the account's Messages resource, form-encoded,
 * HTTP basic auth with the account SID and auth token. Null unless all four settings are set.
 */
export function createSmsChannel(config: NotificationConfig['sms'], options: SmsChannelOptions = {}): SmsChannel | null {
  const { providerUrl, accountSid, authToken, from } = config;
  if (!providerUrl || !accountSid || !authToken || !from) return null;
  const url = `${providerUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    async send(message) {
      const form = new URLSearchParams({ To: message.to, From: from, Body: message.body });
      if (message.statusCallbackUrl) form.set('StatusCallback', message.statusCallbackUrl);
      // A network error or a timeout rejects here and is retried as it is.
      const response = await fetch(url, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.text();
      const body = parseJson(text);
      if (response.ok) {
        const sid = body?.sid;
        // Accepted but unreadable: it may be on its way, and a retry could send it twice.
        if (typeof sid !== 'string' || !sid) {
          throw new PermanentSendError(`the SMS provider answered ${response.status} without a message sid (not retried: it may have been sent)`, {
            channel: 'sms',
            status: response.status,
          });
        }
        return { messageId: sid, status: typeof body?.status === 'string' ? body.status : 'queued' };
      }
      const detail = typeof body?.message === 'string' ? body.message : text.slice(0, 200);
      const providerCode = body?.code === undefined || body?.code === null ? undefined : String(body.code);
      const description = `the SMS provider answered ${response.status}${providerCode ? ` (code ${providerCode})` : ''}: ${detail}`;
      // 429 and 5xx: busy or down, worth retrying; any other 4xx refuses this message for good.
      if (response.status === 429 || response.status >= 500) throw new SmsProviderError(description, response.status, providerCode);
      throw new PermanentSendError(description, { channel: 'sms', status: response.status, providerCode });
    },
  };
}

/** A retryable failure of the SMS provider (429, 5xx), with its status. */
export class SmsProviderError extends Error {
  override readonly name = 'SmsProviderError';
  constructor(
    message: string,
    readonly status: number,
    readonly providerCode?: string,
  ) {
    super(message);
  }
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
