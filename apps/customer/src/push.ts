import { run } from './api';
import type { AppConfig } from './config';

/**
 * Asked when a customer joins (a tap, never on load): the browser shows its permission prompt
 * only after a user gesture, and asking before the customer wants anything is refused by most.
 */
export function askNotificationPermission(config: AppConfig): Promise<NotificationPermission | 'unsupported'> {
  if (!config.features.notifications || typeof Notification === 'undefined') return Promise.resolve('unsupported');
  if (Notification.permission !== 'default') return Promise.resolve(Notification.permission);
  return Notification.requestPermission().catch(() => 'denied' as const);
}

/** Subscribes this device to web push for one visit and stores it with the visit token. Best effort. */
export async function registerPush(
  config: AppConfig,
  permission: Promise<NotificationPermission | 'unsupported'>,
  visitId: string,
  visitToken: string,
): Promise<boolean> {
  if ((await permission) !== 'granted' || !config.vapidPublicKey || !('serviceWorker' in navigator)) return false;
  try {
    const registration = await navigator.serviceWorker.ready;
    const subscription =
      (await registration.pushManager.getSubscription()) ??
      (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: base64UrlBytes(config.vapidPublicKey) }));
    const json = subscription.toJSON();
    await run(config.apiPath, 'PwaRegisterPushSubscription', {
      visitId,
      visitToken,
      subscription: { endpoint: json.endpoint, expirationTime: json.expirationTime ?? null, keys: { p256dh: json.keys?.p256dh, auth: json.keys?.auth } },
    });
    return true;
  } catch {
    // No push service (some browsers, private modes): the live ticket screen still works.
    return false;
  }
}

function base64UrlBytes(text: string): Uint8Array<ArrayBuffer> {
  const base64 = (text + '='.repeat((4 - (text.length % 4)) % 4)).replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
