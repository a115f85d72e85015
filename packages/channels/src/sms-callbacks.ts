import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The SMS provider's requests to us (Twilio's scheme): delivery status callbacks and inbound
 * messages, both form-encoded POSTs signed in the X-Twilio-Signature header.
 */

/**
 * The signature is base64(HMAC-SHA1(authToken, fullUrl + each parameter's name and value, sorted
 * by name)). `fullUrl` is the URL exactly as the provider called it (scheme, host, port, path
 * and query string): behind a proxy, rebuild it from the public URL, not from the socket.
 */
export function verifySmsSignature(authToken: string, fullUrl: string, params: Record<string, string>, signatureHeader: string | null | undefined): boolean {
  if (!signatureHeader) return false;
  const expected = Buffer.from(smsSignature(authToken, fullUrl, params));
  const given = Buffer.from(signatureHeader);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The signature the provider sends for these parameters (exported for tests and local tools). */
export function smsSignature(authToken: string, fullUrl: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((signed, name) => signed + name + params[name], fullUrl);
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** A callback without the fields it must carry (answer 400). */
export class SmsCallbackError extends Error {
  override readonly name = 'SmsCallbackError';
}

export interface SmsStatusCallback {
  /** The provider's message id (the `messageId` the channel's send returned). */
  messageId: string;
  /** queued, sending, sent, delivered, undelivered, failed (as the provider names them). */
  status: string;
  errorCode?: string;
}

export function parseStatusCallback(params: Record<string, string>): SmsStatusCallback {
  const messageId = params.MessageSid ?? params.SmsSid;
  const status = params.MessageStatus ?? params.SmsStatus;
  if (!messageId) throw new SmsCallbackError('status callback without MessageSid');
  if (!status) throw new SmsCallbackError('status callback without MessageStatus');
  const errorCode = params.ErrorCode?.trim();
  return errorCode ? { messageId, status, errorCode } : { messageId, status };
}

export type SmsIntent = 'STOP' | 'START';

export interface InboundSms {
  /** E.164 of the sender. */
  from: string;
  body: string;
  /** An opt-out or opt-in keyword as the whole message, else null. */
  intent: SmsIntent | null;
}

// The carriers' standard keywords (CTIA); only the whole message counts, so "stop by later" is not one.
const keywords: Record<string, SmsIntent> = {
  STOP: 'STOP',
  STOPALL: 'STOP',
  UNSUBSCRIBE: 'STOP',
  CANCEL: 'STOP',
  END: 'STOP',
  QUIT: 'STOP',
  START: 'START',
  UNSTOP: 'START',
  YES: 'START',
};

export function parseInboundSms(params: Record<string, string>): InboundSms {
  const from = params.From;
  if (!from) throw new SmsCallbackError('inbound message without From');
  const body = params.Body ?? '';
  return { from, body, intent: smsIntent(body) };
}

export function smsIntent(body: string): SmsIntent | null {
  const word = body.replace(/\s+/g, '').toUpperCase();
  return Object.hasOwn(keywords, word) ? keywords[word] : null;
}
