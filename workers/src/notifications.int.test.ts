import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import webpush from 'web-push';
import { createChannels, createPushChannel } from '@waitlessq/channels';
import { startPushEndpoint } from '../../packages/channels/src/testing/push-endpoint';
import type { JobRunner } from '@waitlessq/jobs';
import { optOut } from '@waitlessq/user-subgraph';
import { ok, type SeededTenant } from '@waitlessq/testkit';
import { startQueueHarness, type QueueHarness } from '../../subgraphs/queue/src/test-support/harness';
import { callNextOp, createQueueOp, joinOp } from '../../subgraphs/queue/src/test-support/operations';
import { createHandlers } from './handlers';

// The whole path of a notification on real parts: a change commits, the outbox relay adds its
// jobs to BullMQ (real Redis), the workers' handlers plan and send them through the SMS
// channel to a local server that receives exactly what the provider would.

interface Sms {
  to: string;
  body: string;
}

let harness: QueueHarness;
let tenant: SeededTenant;
let runner: JobRunner;
let provider: http.Server;
let smtp: SMTPServer;
const received: Sms[] = [];
const mails: ParsedMail[] = [];

beforeAll(async () => {
  provider = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      received.push({ to: form.get('To') ?? '', body: form.get('Body') ?? '' });
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ sid: `SM${received.length}`, status: 'queued' }));
    });
  });
  await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
  const providerUrl = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, done) {
      simpleParser(stream).then((mail) => (mails.push(mail), done()), done);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  harness = await startQueueHarness({
    SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
    MAIL_FROM: 'Salon Test <queue@salon.test>',
    REDIS_KEY_PREFIX: `notify-test-${process.pid}-${Date.now()}:`,
    SMS_PROVIDER_URL: providerUrl,
    SMS_ACCOUNT_SID: 'AC123',
    SMS_AUTH_TOKEN: 'secret-token',
    SMS_FROM: '+15550000000',
  });
  tenant = await harness.createTenant({ serviceMinutes: [10] });
  runner = await harness.runtime.jobs.startRunner(createHandlers(harness.runtime, createChannels(harness.runtime.config, harness.runtime.logger)), {
    backoffScale: 0.001,
    repeat: false,
  });
});

afterAll(async () => {
  await runner?.close(1_000);
  await harness?.close();
  await new Promise((resolve) => provider?.close(resolve));
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
});

const until = async (check: () => boolean | Promise<boolean>, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms; SMS so far: ${JSON.stringify(received)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};
const textsTo = (phone: string) => received.filter((sms) => sms.to === phone).map((sms) => sms.body);

describe('notifications, from a committed change to the provider', () => {
  it('tells each walk-in they joined, the called one at once, and "getting close" once as the line moves; an opted-out phone gets nothing', async () => {
    const queueId = ok(
      await harness.call<{ createQueue: { id: string } }>(tenant.staff('MANAGER'), createQueueOp, { input: { businessId: tenant.businessId, name: 'Desk' } }),
    ).createQueue.id;
    const phones = ['+4915100000001', '+4915100000002', '+4915100000003', '+4915100000004', '+4915100000005'];
    await optOut(harness.prisma, tenant.organizationId, 'SMS', phones[4], 'SMS_STOP');
    const visitIds: string[] = [];
    for (const [index, phone] of phones.entries()) {
      const joined = ok(
        await harness.call<{ joinQueue: { visit: { id: string } } }>({ kind: 'anonymous' }, joinOp, { input: { queueId, name: `Guest ${index + 1}`, phone } }),
      );
      visitIds.push(joined.joinQueue.visit.id);
    }
    await until(() => phones.slice(0, 4).every((phone) => textsTo(phone).length === 1));
    expect(textsTo(phones[0])[0]).toMatch(/A-?0*1|1/);

    // Two calls: the first two are called; the line moves, bringing the 3rd, 4th and 5th to
    // positions 1..3 ("getting close", threshold 3), each once although the line moved twice.
    // The second visit may be told it is getting close between the two calls, or not when its
    // own call comes first (a notification that no longer fits the visit is not sent).
    for (let call = 0; call < 2; call++) ok(await harness.call(tenant.staff('STAFF'), callNextOp, { queueId }));
    await until(() => textsTo(phones[0]).length === 2 && textsTo(phones[1]).length >= 2 && textsTo(phones[2]).length === 2 && textsTo(phones[3]).length === 2);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(textsTo(phones[0])).toHaveLength(2);
    expect(textsTo(phones[1]).length).toBeLessThanOrEqual(3);
    expect(textsTo(phones[2])).toHaveLength(2);
    expect(textsTo(phones[3])).toHaveLength(2);
    expect(textsTo(phones[4])).toEqual([]);

    const rows = await harness.prisma.notification.findMany({ where: { visitId: { in: visitIds } }, orderBy: { createdAt: 'asc' } });
    const of = (visitId: string) =>
      rows
        .filter((row) => row.visitId === visitId && row.channel === 'SMS')
        .map((row) => `${row.kind}:${row.status}`)
        .sort();
    expect(of(visitIds[0])).toEqual(['CALLED:SENT', 'JOINED:SENT']);
    expect(of(visitIds[2])).toEqual(['GETTING_CLOSE:SENT', 'JOINED:SENT']);
    expect(of(visitIds[4])).toEqual(['GETTING_CLOSE:SKIPPED', 'JOINED:SKIPPED']);
    // No email address, no push subscription: recorded as skipped, never sent.
    expect(rows.filter((row) => row.channel === 'PUSH').every((row) => row.status === 'SKIPPED')).toBe(true);

    const visit = ok(
      await harness.call<{ visit: { notifications: { channel: string; kind: string; status: string }[] } }>(
        tenant.staff('STAFF'),
        `query($id: ID!) { visit(id: $id) { notifications { channel kind status sentAt } } }`,
        { id: visitIds[0] },
      ),
    );
    expect(
      visit.visit.notifications
        .filter((n) => n.channel === 'SMS')
        .map((n) => n.kind)
        .sort(),
    ).toEqual(['CALLED', 'JOINED']);
  });

  it('emails a walk-in in their language with a one-click unsubscribe link; after the click, nothing more is sent to that address', async () => {
    const queueId = ok(
      await harness.call<{ createQueue: { id: string } }>(tenant.staff('MANAGER'), createQueueOp, {
        input: { businessId: tenant.businessId, name: 'Empfang' },
      }),
    ).createQueue.id;
    const join = async (name: string, email: string, language: string) =>
      ok(await harness.call<{ joinQueue: { visit: { id: string } } }>({ kind: 'anonymous' }, joinOp, { input: { queueId, name, email, language } })).joinQueue
        .visit.id;
    const anna = await join('Anna', 'anna@example.test', 'de-AT');
    await until(() => mails.some((mail) => mail.to && JSON.stringify(mail.to).includes('anna@example.test')));
    const mail = mails.find((m) => JSON.stringify(m.to).includes('anna@example.test'))!;
    expect(mail.headers.get('content-language')).toBe('de');
    expect(mail.text).toMatch(/Warteschlange|Nummer|Ticket/i);
    const header = (name: string) =>
      mail.headerLines
        .find((line) => line.key === name)
        ?.line.slice(name.length + 1)
        .trim() ?? '';
    const unsubscribe = header('list-unsubscribe').replace(/^<|>$/g, '');
    expect(unsubscribe).toContain('/notifications/unsubscribe?token=');
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(mail.text).toContain(unsubscribe);

    // The mail client's one-click POST (RFC 8058) on the route the workers serve.
    const app = (await import('express')).default();
    const { mountNotificationRoutes } = await import('./notification-routes');
    mountNotificationRoutes(app, harness.runtime);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const url = new URL(unsubscribe);
      const answer = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${url.pathname}${url.search}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(answer.status).toBe(200);
    } finally {
      server.close();
    }

    // Called: a notification of another kind to the same address is not sent, and says why.
    ok(await harness.call(tenant.staff('STAFF'), callNextOp, { queueId }));
    await until(
      async () => (await harness.prisma.notification.count({ where: { visitId: anna, kind: 'CALLED', channel: 'EMAIL', status: { not: 'PENDING' } } })) === 1,
    );
    const called = await harness.prisma.notification.findFirstOrThrow({ where: { visitId: anna, kind: 'CALLED', channel: 'EMAIL' } });
    expect(called).toMatchObject({ status: 'SKIPPED', error: 'opted out' });
    expect(mails.filter((m) => JSON.stringify(m.to).includes('anna@example.test'))).toHaveLength(1);
  });

  it('pushes to the subscriptions the app registered, encrypted and signed; a subscription the push service calls gone is removed', async () => {
    const vapid = webpush.generateVAPIDKeys();
    const push = { vapidPublicKey: vapid.publicKey, vapidPrivateKey: vapid.privateKey, vapidSubject: 'mailto:ops@waitlessq.test' };
    const endpoint = await startPushEndpoint(push.vapidSubject);
    const channels = { ...createChannels(harness.runtime.config, harness.runtime.logger), push: createPushChannel(push, { agent: endpoint.agent }) };
    const handlers = createHandlers(harness.runtime, channels);
    // This suite's runner has no VAPID keys: it stops here, and the push job is run by hand.
    await runner.close(1_000);
    try {
      const queueId = ok(
        await harness.call<{ createQueue: { id: string } }>(tenant.staff('MANAGER'), createQueueOp, { input: { businessId: tenant.businessId, name: 'Push' } }),
      ).createQueue.id;
      const visitId = ok(await harness.call<{ joinQueue: { visit: { id: string } } }>({ kind: 'anonymous' }, joinOp, { input: { queueId, name: 'Pia' } }))
        .joinQueue.visit.id;
      const subscribe = (subscription: ReturnType<typeof endpoint.subscription>) =>
        harness.prisma.pushSubscription.create({
          data: {
            organizationId: tenant.organizationId,
            businessId: tenant.businessId,
            visitId,
            endpoint: subscription.endpoint,
            p256dh: subscription.keys.p256dh,
            auth: subscription.keys.auth,
          },
        });
      await subscribe(endpoint.subscription(201));
      const gone = await subscribe(endpoint.subscription(410));
      ok(await harness.call(tenant.staff('STAFF'), callNextOp, { queueId }));

      // The push job, run by the handler as the runner would (the runner of this suite has no VAPID keys).
      await handlers['send-push']!({ visitId, kind: 'CALLED', channel: 'PUSH' }, { id: 'push-test', attempt: 1, maxAttempts: 5 });
      expect(endpoint.received).toHaveLength(2);
      const [payload] = endpoint.received.map((delivery) => delivery.payload as { title: string; url: string; tag: string });
      expect(payload.url).toContain(`#/visit/${visitId}`);
      expect(payload.tag).toBe(`${visitId}:CALLED`);
      expect(await harness.prisma.pushSubscription.findUnique({ where: { id: gone.id } })).toBeNull();
      expect(await harness.prisma.pushSubscription.count({ where: { visitId } })).toBe(1);
      const row = await harness.prisma.notification.findUniqueOrThrow({ where: { visitId_kind_channel: { visitId, kind: 'CALLED', channel: 'PUSH' } } });
      expect(row.status).toBe('SENT');
      // Run again (a retried job): nothing is sent twice.
      await handlers['send-push']!({ visitId, kind: 'CALLED', channel: 'PUSH' }, { id: 'push-test', attempt: 2, maxAttempts: 5 });
      expect(endpoint.received).toHaveLength(2);
    } finally {
      await endpoint.close();
    }
  });
});
