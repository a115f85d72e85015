import type { Agent } from 'node:https';
import webpush from 'web-push';
import type { NotificationConfig } from '@waitlessq/config';
import type { PushChannel, PushSubscriptionKeys } from './channels';
import { PermanentSendError } from './errors';

export interface PushChannelOptions {
  /** How long to wait for the push service (default 10 s); a timeout is retried. */
  timeoutMs?: number;
  /** The HTTPS agent for the push services (tests pass one that trusts their own CA). */
  agent?: Agent;
}

/** Web push (RFC 8030/8291/8292) with web-push; null unless the VAPID key pair and subject are all set. */
export function createPushChannel(config: NotificationConfig['push'], options: PushChannelOptions = {}): PushChannel | null {
  const { vapidPublicKey, vapidPrivateKey, vapidSubject } = config;
  if (!vapidPublicKey || !vapidPrivateKey || !vapidSubject) return null;
  const vapidDetails = { subject: vapidSubject, publicKey: vapidPublicKey, privateKey: vapidPrivateKey };
  const timeout = options.timeoutMs ?? 10_000;
  return {
    async send(message) {
      assertWellFormed(message.subscription);
      try {
        await webpush.sendNotification(message.subscription, JSON.stringify(message.payload), {
          vapidDetails,
          TTL: message.ttlSeconds,
          urgency: message.urgency,
          contentEncoding: 'aes128gcm',
          timeout,
          ...(options.agent ? { agent: options.agent } : {}),
        });
        return { gone: false };
      } catch (error) {
        return classifyPushError(error);
      }
    },
  };
}

/** A subscription web-push cannot encrypt for is refused for good, not retried. */
function assertWellFormed(subscription: PushSubscriptionKeys): void {
  const problem = subscriptionProblem(subscription);
  if (problem) throw new PermanentSendError(`malformed push subscription: ${problem}`, { channel: 'push' });
}

function subscriptionProblem({ endpoint, keys }: PushSubscriptionKeys): string | null {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return 'the endpoint is not a URL';
  }
  if (url.protocol !== 'https:') return 'the endpoint is not https';
  if (Buffer.from(keys?.p256dh ?? '', 'base64url').length !== 65) return 'p256dh is not a P-256 public key';
  if (Buffer.from(keys?.auth ?? '', 'base64url').length < 16) return 'auth is shorter than 16 bytes';
  return null;
}

/**
 * 404/410: the subscription is dead (the caller removes it). 429 and 5xx: the push service is
 * busy or down, retried. Any other 4xx (400, 403 VAPID mismatch, 413 too large): refused for good.
 * No status at all is the network: retried.
 */
function classifyPushError(error: unknown): { gone: true } {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status !== 'number') throw error;
  if (status === 404 || status === 410) return { gone: true };
  if (status === 429 || status >= 500) throw error;
  const body = String((error as { body?: unknown }).body ?? '').slice(0, 200);
  throw new PermanentSendError(`the push service refused the message: ${status}${body ? ` ${body}` : ''}`, { channel: 'push', status }, { cause: error });
}
