export type ChannelName = 'email' | 'push' | 'sms';

export interface PermanentSendErrorDetails {
  channel: ChannelName;
  /** The provider's answer: an SMTP reply code or an HTTP status. */
  status?: number;
  /** The provider's own error code (an SMS provider's numeric code, an SMTP enhanced status). */
  providerCode?: string;
}

/**
 * The provider refused this message for good (an unknown mailbox, a malformed subscription, an
 * invalid phone number): retrying cannot help, so a job records the failure instead of retrying.
 * Every other error a channel throws is worth retrying.
 */
export class PermanentSendError extends Error {
  override readonly name = 'PermanentSendError';
  readonly channel: ChannelName;
  readonly status?: number;
  readonly providerCode?: string;

  constructor(message: string, details: PermanentSendErrorDetails, options?: { cause?: unknown }) {
    super(message, options);
    this.channel = details.channel;
    this.status = details.status;
    this.providerCode = details.providerCode;
  }
}

export function isPermanentSendError(error: unknown): error is PermanentSendError {
  return error instanceof PermanentSendError;
}
