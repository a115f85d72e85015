import type { AddressInfo } from 'node:net';
import express from 'express';
import { createLogger } from '@waitlessq/observability';
import { mountNotificationsProxy } from './notifications-proxy';

const listen = async (app: express.Express) => {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
};

describe('the notifications proxy', () => {
  it('passes /notifications/ to the workers with the body exactly as sent and the provider signature', async () => {
    const seen: { method: string; url: string; body: string; signature?: string; type?: string }[] = [];
    const workers = express();
    workers.use(express.text({ type: () => true }));
    workers.all('/notifications/*path', (req, res) => {
      seen.push({
        method: req.method,
        url: req.originalUrl,
        body: typeof req.body === 'string' ? req.body : '',
        signature: req.get('x-twilio-signature'),
        type: req.get('content-type'),
      });
      res
        .status(req.method === 'POST' ? 204 : 200)
        .type('html')
        .send(req.method === 'POST' ? '' : '<p>ok</p>');
    });
    const upstream = await listen(workers);
    const gateway = express();
    mountNotificationsProxy(gateway, { workersUrl: upstream.url, logger: createLogger('test', 'silent') });
    gateway.use((_req, res) => void res.status(404).send('not proxied'));
    const front = await listen(gateway);
    try {
      const page = await fetch(`${front.url}/notifications/unsubscribe?token=abc.def`);
      expect([page.status, await page.text(), page.headers.get('content-type')]).toEqual([200, '<p>ok</p>', 'text/html; charset=utf-8']);
      const body = 'MessageSid=SM1&MessageStatus=delivered&To=%2B4915100000001';
      const callback = await fetch(`${front.url}/notifications/sms/status`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'c2lnbmF0dXJl' },
        body,
      });
      expect(callback.status).toBe(204);
      expect(seen).toEqual([
        { method: 'GET', url: '/notifications/unsubscribe?token=abc.def', body: '', signature: undefined, type: undefined },
        { method: 'POST', url: '/notifications/sms/status', body, signature: 'c2lnbmF0dXJl', type: 'application/x-www-form-urlencoded' },
      ]);
      expect((await fetch(`${front.url}/graphql-not-notifications`)).status).toBe(404);
    } finally {
      upstream.server.close();
      front.server.close();
    }
  });
});
