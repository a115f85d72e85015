import express, { type Express, type Request, type Response } from 'express';
import type { Logger } from '@waitlessq/observability';
import { withDeadline } from '@waitlessq/subgraph-kit';

/** Request headers the workers' notification routes read (form bodies, the SMS provider's signature). */
const passedRequestHeaders = ['content-type', 'x-twilio-signature', 'user-agent'];
const passedAnswerHeaders = ['content-type', 'cache-control'];
const upstreamTimeoutMs = 10_000;

/**
 * `/notifications/...` (the unsubscribe links of emails, the SMS provider's callbacks) on the
 * gateway's public origin, passed to the workers service when WORKERS_URL names it (compose;
 * Kubernetes routes the path to the workers at its ingress instead). The body goes through as
 * it came: the provider signs the form it sent.
 */
export function mountNotificationsProxy(app: Express, options: { workersUrl: string; logger: Logger }): void {
  const upstream = new URL(options.workersUrl).origin;
  const raw = express.raw({ type: () => true, limit: '16kb' });
  const handler = async (req: Request, res: Response) => {
    const headers: Record<string, string> = { 'x-request-id': String(res.locals.requestId ?? '') };
    for (const name of passedRequestHeaders) {
      const value = req.get(name);
      if (value) headers[name] = value;
    }
    let answer: { status: number; headers: Headers; body: Buffer };
    try {
      answer = await withDeadline(upstreamTimeoutMs, `The workers did not answer within ${upstreamTimeoutMs} ms.`, async (signal) => {
        const response = await fetch(`${upstream}${req.originalUrl}`, {
          method: req.method,
          headers,
          body: req.method === 'POST' && Buffer.isBuffer(req.body) ? new Uint8Array(req.body) : undefined,
          redirect: 'manual',
          signal,
        });
        return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
      });
    } catch (error) {
      options.logger.warn({ err: error, path: req.path }, 'the workers did not answer a notification route');
      res.status(502).setHeader('Cache-Control', 'no-store').type('text/plain').send('Try again in a moment.');
      return;
    }
    res.status(answer.status);
    for (const name of passedAnswerHeaders) {
      const value = answer.headers.get(name);
      if (value !== null) res.setHeader(name, value);
    }
    res.send(answer.body);
  };
  app.get('/notifications/*path', handler);
  app.post('/notifications/*path', raw, handler);
}
