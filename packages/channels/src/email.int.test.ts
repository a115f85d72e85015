import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { simpleParser, type ParsedMail } from 'mailparser';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { createEmailChannel } from './email';
import { isPermanentSendError, PermanentSendError } from './errors';
import { renderNotification } from './templates';

interface Received {
  envelopeTo: string[];
  mail: ParsedMail;
}

const silent = pino({ level: 'silent' });
const from = 'WaitLessQ <no-reply@waitlessq.test>';

/** A real SMTP server on a free port: refuses `refused@...` (550) and `busy@...` (451), keeps the rest. */
async function startSmtpServer(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const refusal = address.address.startsWith('refused@') ? 550 : address.address.startsWith('busy@') ? 451 : 0;
      if (!refusal) return callback();
      callback(Object.assign(new Error(refusal === 550 ? '5.1.1 No such mailbox' : '4.3.2 Try again later'), { responseCode: refusal }));
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          received.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), mail });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function header(mail: ParsedMail, name: string): string | undefined {
  const line = mail.headerLines.find((h) => h.key === name.toLowerCase())?.line;
  return line
    ?.slice(line.indexOf(':') + 1)
    .replace(/\r?\n\s+/g, ' ')
    .trim();
}

describe('email over a real SMTP server', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  beforeAll(async () => {
    smtp = await startSmtpServer();
  });
  afterAll(() => smtp.close());

  const content = {
    businessName: 'Bäckerei Müller',
    queueName: 'Theke',
    ticket: 'B-007',
    position: 2,
    estimatedWaitMinutes: 6,
    counter: null,
    scheduledAt: new Date('2026-12-03T09:30:00Z'),
    timezone: 'Europe/Berlin',
    ticketUrl: 'https://app.waitlessq.test/v/visit-1?t=tok',
    unsubscribeUrl: 'https://app.waitlessq.test/unsubscribe?t=unsub-1',
  };

  it('delivers to the recipient with the subject, language, both parts and the one-click unsubscribe headers', async () => {
    const channel = createEmailChannel({ smtpUrl: smtp.url, from }, silent);
    expect(channel.kind).toBe('smtp');
    const rendered = renderNotification('APPOINTMENT_CONFIRMED', 'de-DE', content);
    const { messageId } = await channel.send({
      to: 'kunde@example.test',
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      language: 'de',
      unsubscribeUrl: content.unsubscribeUrl,
    });

    const { envelopeTo, mail } = smtp.received.at(-1)!;
    expect(envelopeTo).toEqual(['kunde@example.test']);
    expect(mail.to).toMatchObject({ value: [{ address: 'kunde@example.test' }] });
    expect(mail.from).toMatchObject({ value: [{ address: 'no-reply@waitlessq.test', name: 'WaitLessQ' }] });
    expect(mail.messageId).toBe(messageId);
    // German, with its umlauts intact through the transfer encoding.
    expect(mail.subject).toBe('Termin bestätigt bei Bäckerei Müller');
    expect(header(mail, 'Content-Language')).toBe('de');
    expect(mail.text).toContain('Ihr Termin bei Bäckerei Müller ist bestätigt: Donnerstag, 3. Dezember 2026 um 10:30.');
    expect(mail.html).toContain('<html lang="de">');
    expect(mail.html).toContain('Termin bestätigt');
    // RFC 8058 one-click unsubscribe, and the link in both parts.
    expect(header(mail, 'List-Unsubscribe')).toBe(`<${content.unsubscribeUrl}>`);
    expect(header(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(mail.text!.trimEnd().endsWith(content.unsubscribeUrl)).toBe(true);
    expect(mail.html).toContain(`href="${content.unsubscribeUrl}"`);
    expect(mail.text).toContain(content.ticketUrl);
  });

  it('sends no List-Unsubscribe headers without an unsubscribe link', async () => {
    const channel = createEmailChannel({ smtpUrl: smtp.url, from }, silent);
    const rendered = renderNotification('CALLED', 'en', { ...content, unsubscribeUrl: null });
    await channel.send({ to: 'walk-in@example.test', subject: rendered.subject, text: rendered.text, html: rendered.html, language: 'en' });
    const { mail } = smtp.received.at(-1)!;
    expect(mail.subject).toBe("It's your turn at Bäckerei Müller");
    expect(header(mail, 'Content-Language')).toBe('en');
    expect(header(mail, 'List-Unsubscribe')).toBeUndefined();
    expect(header(mail, 'List-Unsubscribe-Post')).toBeUndefined();
    expect(mail.text).not.toContain('unsubscribe');
  });

  it('a 550 refusal is a PermanentSendError; a 451 is thrown as it is, to be retried', async () => {
    const channel = createEmailChannel({ smtpUrl: smtp.url, from }, silent);
    const message = { subject: 's', text: 't', html: '<p>t</p>', language: 'en' };
    const before = smtp.received.length;

    const refused = await channel.send({ ...message, to: 'refused@example.test' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PermanentSendError);
    expect(refused).toMatchObject({ channel: 'email', status: 550, providerCode: '5.1.1' });

    const busy = await channel.send({ ...message, to: 'busy@example.test' }).catch((error: unknown) => error);
    expect(busy).toBeInstanceOf(Error);
    expect(isPermanentSendError(busy)).toBe(false);
    expect(busy).toMatchObject({ responseCode: 451 });
    expect(smtp.received.length).toBe(before);
  });

  it('a server that is not there is a retryable error', async () => {
    const other = await startSmtpServer();
    await other.close();
    const channel = createEmailChannel({ smtpUrl: other.url, from }, silent);
    const error = await channel.send({ to: 'a@example.test', subject: 's', text: 't', html: 't', language: 'en' }).catch((e: unknown) => e);
    // Node's own errors come from another realm than jest's Error: compare the code, not the class.
    expect(error).toMatchObject({ code: 'ESOCKET', message: expect.stringContaining('ECONNREFUSED') });
    expect(isPermanentSendError(error)).toBe(false);
  });
});

describe('email without SMTP_URL', () => {
  it('writes the message to the log at info and returns a message id', async () => {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const channel = createEmailChannel({ smtpUrl: null, from }, pino({ level: 'info' }, destination));
    expect(channel.kind).toBe('log');
    const { messageId } = await channel.send({
      to: 'dev@example.test',
      subject: 'Hello',
      text: 'Body text',
      html: '<p>Body text</p>',
      language: 'fr',
      unsubscribeUrl: 'https://app.waitlessq.test/u',
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(messageId).toMatch(/^<[0-9a-f-]{36}@log\.waitlessq\.local>$/);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      email: { messageId, to: 'dev@example.test', subject: 'Hello', language: 'fr', unsubscribeUrl: 'https://app.waitlessq.test/u' },
      text: 'Body text',
    });
  });

  it("in production ('off') refuses every message for good and logs nothing", async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const channel = createEmailChannel({ smtpUrl: null, from }, pino({ level: 'info' }, destination), { withoutSmtp: 'off' });
    expect(channel.kind).toBe('off');
    await expect(channel.send({ to: 'a@example.test', subject: 's', text: 't', html: 't', language: 'en' })).rejects.toBeInstanceOf(PermanentSendError);
    expect(lines).toEqual([]);
  });
});
