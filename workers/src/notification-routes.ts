import express, { type Express, type Request, type Response } from 'express';
import { parseInboundSms, parseStatusCallback, verifySmsSignature } from '@waitlessq/channels';
import { organizationsThatTexted, recordSmsStatus } from '@waitlessq/queue-subgraph';
import type { ServiceRuntime } from '@waitlessq/subgraph-kit';
import { optIn, optOut, unsubscribeWithToken } from '@waitlessq/user-subgraph';

/** Paths on the public origin (the gateway's in `npm start`; the ingress sends them to the workers in production). */
export const notificationRoutes = {
  unsubscribe: '/notifications/unsubscribe',
  smsStatus: '/notifications/sms/status',
  smsInbound: '/notifications/sms/inbound',
} as const;

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title><body style="font-family:sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem">${body}</body></html>`;

/**
 * The links and callbacks of notifications: the one-click unsubscribe link (RFC 8058: a GET
 * shows a confirmation button, so mail scanners that open links unsubscribe nobody; the POST
 * unsubscribes, which is what mail clients send), and the SMS provider's delivery reports and
 * inbound messages (STOP, START), each verified by the provider's signature over the public URL.
 */
export function mountNotificationRoutes(app: Express, runtime: ServiceRuntime): void {
  const { prisma } = runtime.db;
  const { config } = runtime;
  const form = express.urlencoded({ extended: false, limit: '16kb' });

  app.get(notificationRoutes.unsubscribe, (req: Request, res: Response) => {
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    res
      .type('html')
      .setHeader('Cache-Control', 'no-store')
      .send(
        page(
          'Unsubscribe',
          `<h1>Stop these notifications?</h1><form method="post"><input type="hidden" name="token" value="${token.replace(/[^A-Za-z0-9_.-]/g, '')}"><button type="submit" name="List-Unsubscribe" value="One-Click">Unsubscribe</button></form>`,
        ),
      );
  });

  app.post(notificationRoutes.unsubscribe, form, async (req: Request, res: Response) => {
    const token = typeof req.query.token === 'string' ? req.query.token : typeof req.body?.token === 'string' ? (req.body.token as string) : '';
    const done = token !== '' && (await unsubscribeWithToken(prisma, config.auth.visitTokenSecret, token));
    res
      .status(done ? 200 : 400)
      .type('html')
      .setHeader('Cache-Control', 'no-store')
      .send(
        done
          ? page('Unsubscribed', '<h1>You are unsubscribed.</h1><p>You will get no more of these messages.</p>')
          : page('Invalid link', '<h1>This link is not valid.</h1>'),
      );
  });

  const verified = (req: Request, path: string): Record<string, string> | null => {
    const authToken = config.notifications.sms.authToken;
    const params = Object.fromEntries(Object.entries((req.body ?? {}) as Record<string, unknown>).map(([key, value]) => [key, String(value)]));
    const search = new URL(req.originalUrl, 'http://x').search;
    return authToken && verifySmsSignature(authToken, `${config.publicUrl}${path}${search}`, params, req.get('x-twilio-signature')) ? params : null;
  };

  app.post(notificationRoutes.smsStatus, form, async (req: Request, res: Response) => {
    const params = verified(req, notificationRoutes.smsStatus);
    if (!params) return void res.status(403).type('text').send('signature refused');
    const report = parseStatusCallback(params);
    await recordSmsStatus(prisma, report.messageId, report.status, report.errorCode);
    res.status(204).end();
  });

  app.post(notificationRoutes.smsInbound, form, async (req: Request, res: Response) => {
    const params = verified(req, notificationRoutes.smsInbound);
    if (!params) return void res.status(403).type('text').send('signature refused');
    const message = parseInboundSms(params);
    if (message.intent) {
      for (const organizationId of await organizationsThatTexted(prisma, message.from)) {
        if (message.intent === 'STOP') await optOut(prisma, organizationId, 'SMS', message.from, 'SMS_STOP');
        else await optIn(prisma, organizationId, 'SMS', message.from);
      }
    }
    // An empty answer: the provider sends its own STOP confirmation.
    res.type('text/xml').send('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
  });
}
