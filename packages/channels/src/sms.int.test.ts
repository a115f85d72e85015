import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isPermanentSendError, PermanentSendError } from './errors';
import { createSmsChannel, SmsProviderError } from './sms';

/**
 * A local stand-in for a Twilio-style SMS provider: it records exactly what it receives and
 * answers as the provider would. The body of `Body` picks the answer, so one server serves
 * every case.
 */
interface Request {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  raw: string;
  form: Record<string, string>;
}

const accountSid = 'AC0123456789abcdef0123456789abcdef';
const authToken = 'secret-token:with-colon';
const requests: Request[] = [];
let server: Server;
let providerUrl: string;
let sid = 0;

const answers: Record<string, { status: number; body?: string; delayMs?: number }> = {
  'bad number': {
    status: 400,
    body: JSON.stringify({
      code: 21211,
      message: "The 'To' number +1555 is not a valid phone number.",
      more_info: 'https://www.twilio.com/docs/errors/21211',
      status: 400,
    }),
  },
  unavailable: { status: 503, body: 'Service Unavailable' },
  'too many': { status: 429, body: JSON.stringify({ code: 20429, message: 'Too Many Requests', status: 429 }) },
  slow: { status: 201, delayMs: 2_000 },
  'no sid': { status: 201, body: '{}' },
};

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(raw));
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, raw, form });
      const answer = answers[form.Body] ?? { status: 201 };
      const body =
        answer.body ?? JSON.stringify({ sid: `SM${String(++sid).padStart(32, '0')}`, status: 'queued', to: form.To, from: form.From, body: form.Body });
      const timer = setTimeout(() => res.writeHead(answer.status, { 'content-type': 'application/json' }).end(body), answer.delayMs ?? 0);
      // The client gave up (timeout): answer nothing, keep no timer alive.
      res.on('close', () => clearTimeout(timer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  providerUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const config = () => ({ providerUrl, accountSid, authToken, from: '+15005550006' });

describe('SMS through a Twilio-style REST API', () => {
  it('is off unless the URL, the account, the token and the sender are all set', () => {
    for (const missing of ['providerUrl', 'accountSid', 'authToken', 'from'] as const) {
      expect(createSmsChannel({ ...config(), [missing]: null })).toBeNull();
    }
  });

  it('POSTs the form the provider expects, with basic auth, and returns its message id and status', async () => {
    const channel = createSmsChannel(config())!;
    const body = 'Salon Mia: es tu turno A-042! Acude a: Desk 3. https://app.waitlessq.test/v/1?t=a&b=c Responde STOP para darte de baja';
    const result = await channel.send({ to: '+34612345678', body, statusCallbackUrl: 'https://api.waitlessq.test/sms/status?n=abc' });

    expect(result).toEqual({ messageId: `SM${String(sid).padStart(32, '0')}`, status: 'queued' });
    const request = requests.at(-1)!;
    expect(request.method).toBe('POST');
    expect(request.url).toBe(`/2010-04-01/Accounts/${accountSid}/Messages.json`);
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const [scheme, credentials] = String(request.headers.authorization).split(' ');
    expect(scheme).toBe('Basic');
    expect(Buffer.from(credentials, 'base64').toString()).toBe(`${accountSid}:${authToken}`);
    expect(request.form).toEqual({ To: '+34612345678', From: '+15005550006', Body: body, StatusCallback: 'https://api.waitlessq.test/sms/status?n=abc' });
    // Form encoding, not JSON: the link's & and the space survive as %26 and +.
    expect(request.raw).toContain('To=%2B34612345678');
    expect(request.raw).toContain('%26b%3Dc');
  });

  it('leaves StatusCallback out when none is given, and tolerates a provider URL ending in /', async () => {
    const channel = createSmsChannel({ ...config(), providerUrl: `${providerUrl}/` })!;
    await channel.send({ to: '+4915112345678', body: 'Hallo' });
    const request = requests.at(-1)!;
    expect(request.url).toBe(`/2010-04-01/Accounts/${accountSid}/Messages.json`);
    expect(request.form).toEqual({ To: '+4915112345678', From: '+15005550006', Body: 'Hallo' });
  });

  it("a 400 is a PermanentSendError carrying the provider's code and message", async () => {
    const channel = createSmsChannel(config())!;
    const error = await channel.send({ to: '+1555', body: 'bad number' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentSendError);
    expect(error).toMatchObject({ channel: 'sms', status: 400, providerCode: '21211' });
    expect((error as Error).message).toContain("The 'To' number +1555 is not a valid phone number.");
  });

  it.each([
    ['unavailable', 503],
    ['too many', 429],
  ])('a %s answer (%i) is a retryable error', async (body, status) => {
    const channel = createSmsChannel(config())!;
    const error = await channel.send({ to: '+15551234567', body }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmsProviderError);
    expect(error).toMatchObject({ status });
    expect(isPermanentSendError(error)).toBe(false);
  });

  it('a provider slower than the timeout, or not there, is a retryable error', async () => {
    const channel = createSmsChannel(config(), { timeoutMs: 200 })!;
    const slow = await channel.send({ to: '+15551234567', body: 'slow' }).catch((e: unknown) => e);
    expect((slow as Error).name).toBe('TimeoutError');
    expect(isPermanentSendError(slow)).toBe(false);

    // A port that was free a moment ago (fetch refuses port 1 itself, as a "bad port").
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const gone = createSmsChannel({ ...config(), providerUrl: `http://127.0.0.1:${port}` })!;
    const refused = await gone.send({ to: '+15551234567', body: 'x' }).catch((e: unknown) => e);
    expect((refused as Error).message).toBe('fetch failed');
    expect((refused as { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED');
    expect(isPermanentSendError(refused)).toBe(false);
  });

  it('a success without a message id is a PermanentSendError: it may have been sent, so it is not retried', async () => {
    const channel = createSmsChannel(config())!;
    const error = await channel.send({ to: '+15551234567', body: 'no sid' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentSendError);
    expect((error as Error).message).toMatch(/without a message sid/);
  });
});
