import { spawnSync } from 'node:child_process';
import { createECDH, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, Agent, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decrypt } from 'http_ece';
import { importJWK, jwtVerify } from 'jose';
import webpush from 'web-push';
import type { PushMessage } from './channels';
import { isPermanentSendError, PermanentSendError } from './errors';
import { createPushChannel } from './push';

/**
 * A real Web Push endpoint (RFC 8030) over HTTPS with a certificate made for this run. It does
 * what a push service and the browser do between them: checks the VAPID signature (RFC 8292)
 * and decrypts the payload (RFC 8291) with the subscription's private key and auth secret.
 */
interface Delivery {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  claims: Record<string, unknown>;
  vapidKey: string;
  payload: unknown;
}

const vapid = webpush.generateVAPIDKeys();
const subject = 'mailto:ops@waitlessq.test';
const config = { vapidPublicKey: vapid.publicKey, vapidPrivateKey: vapid.privateKey, vapidSubject: subject };

// The browser's side of a subscription: an ECDH P-256 key pair and 16 random bytes of auth secret.
const receiver = createECDH('prime256v1');
receiver.generateKeys();
const authSecret = randomBytes(16).toString('base64url');
const keys = { p256dh: receiver.getPublicKey().toString('base64url'), auth: authSecret };

let dir: string;
let server: Server;
let origin: string;
let agent: Agent;
const deliveries: Delivery[] = [];
const refusals: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'push-endpoint-'));
  const made = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      path.join(dir, 'key.pem'),
      '-out',
      path.join(dir, 'cert.pem'),
    ],
    { encoding: 'utf8' },
  );
  if (made.status !== 0) throw new Error(`openssl could not make a certificate: ${made.stderr}`);
  const cert = readFileSync(path.join(dir, 'cert.pem'));
  server = createServer({ key: readFileSync(path.join(dir, 'key.pem')), cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      receive(req.url ?? '/', req.headers, Buffer.concat(chunks)).then(
        (status) => res.writeHead(status).end(),
        (error: Error) => {
          refusals.push(error.message);
          res.writeHead(401).end(error.message);
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Only this agent trusts the run's certificate: nothing else in the process is loosened.
  agent = new Agent({ ca: cert });
});

afterAll(async () => {
  agent.destroy();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

/** The endpoint: `/status/<n>` answers n after verifying and decrypting, like a push service would. */
async function receive(url: string, headers: Delivery['headers'], body: Buffer): Promise<number> {
  const authorization = String(headers.authorization ?? '');
  const match = authorization.match(/^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/);
  if (!match) throw new Error(`no VAPID authorization: ${authorization}`);
  const [, token, k] = match;
  const point = Buffer.from(k, 'base64url');
  if (point.length !== 65 || point[0] !== 4) throw new Error('k is not an uncompressed P-256 point');
  const key = await importJWK(
    { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') },
    'ES256',
  );
  // jose checks the ES256 signature against k, the audience and that exp is still ahead.
  const { payload: claims, protectedHeader } = await jwtVerify(token, key, { algorithms: ['ES256'], audience: origin, subject });
  if (protectedHeader.typ !== 'JWT') throw new Error(`unexpected JWT typ ${protectedHeader.typ}`);
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= Date.now() || claims.exp * 1000 > Date.now() + 24 * 3600_000 + 60_000) {
    throw new Error('exp missing, past, or more than 24 hours ahead');
  }
  if (headers['content-encoding'] !== 'aes128gcm') throw new Error(`content-encoding ${headers['content-encoding']}`);
  const plaintext = decrypt(body, { version: 'aes128gcm', privateKey: receiver, authSecret });
  deliveries.push({ path: url, headers, claims, vapidKey: k, payload: JSON.parse(plaintext.toString('utf8')) });
  const status = Number(url.match(/^\/status\/(\d{3})$/)?.[1] ?? 201);
  return status;
}

function message(status: number, overrides: Partial<PushMessage> = {}): PushMessage {
  return {
    subscription: { endpoint: `${origin}/status/${status}`, keys },
    payload: { title: "It's your turn A-042", body: 'Please go to Desk 3 now. Ünïcödé ✓', url: 'https://app.waitlessq.test/v/1?t=x', tag: 'visit-1-CALLED' },
    ttlSeconds: 120,
    urgency: 'high',
    ...overrides,
  };
}

describe('web push through a real push endpoint', () => {
  it('is off unless the VAPID key pair and subject are all configured', () => {
    expect(createPushChannel({ ...config, vapidSubject: null })).toBeNull();
    expect(createPushChannel({ ...config, vapidPrivateKey: null })).toBeNull();
    expect(createPushChannel({ ...config, vapidPublicKey: null })).toBeNull();
    expect(createPushChannel(config)).not.toBeNull();
  });

  it('delivers a payload the subscription decrypts, signed by the configured VAPID key, with TTL and urgency', async () => {
    const channel = createPushChannel(config, { agent })!;
    const sent = message(201);
    await expect(channel.send(sent)).resolves.toEqual({ gone: false });

    expect(refusals).toEqual([]);
    const delivery = deliveries.at(-1)!;
    expect(delivery.path).toBe('/status/201');
    expect(delivery.payload).toEqual(sent.payload);
    expect(delivery.vapidKey).toBe(vapid.publicKey);
    expect(delivery.claims).toMatchObject({ aud: origin, sub: subject });
    expect(delivery.headers.ttl).toBe('120');
    expect(delivery.headers.urgency).toBe('high');
  });

  it('a VAPID signature by another key than the one in k is refused by the endpoint', async () => {
    // The endpoint's check can fail: sign with one key, announce another.
    const other = webpush.generateVAPIDKeys();
    const details = webpush.generateRequestDetails({ endpoint: `${origin}/status/201`, keys }, 'x', {
      vapidDetails: { subject, publicKey: other.publicKey, privateKey: vapid.privateKey },
    });
    const before = refusals.length;
    await expect(
      receive('/status/201', { ...details.headers, authorization: details.headers.Authorization, 'content-encoding': 'aes128gcm' }, details.body as Buffer),
    ).rejects.toThrow(/signature/);
    expect(refusals.length).toBe(before);
  });

  it('a payload encrypted for another auth secret does not decrypt at the endpoint (the check can fail)', async () => {
    const channel = createPushChannel(config, { agent })!;
    const before = deliveries.length;
    const wrongSecret = { ...keys, auth: randomBytes(16).toString('base64url') };
    const error = await channel.send(message(201, { subscription: { endpoint: `${origin}/status/201`, keys: wrongSecret } })).catch((e: unknown) => e);
    // The endpoint answered 401: refused for good, as a push service refuses what it cannot accept.
    expect(error).toMatchObject({ channel: 'push', status: 401 });
    expect(refusals.at(-1)).toMatch(/decrypt|auth/i);
    expect(deliveries.length).toBe(before);
  });

  it.each([404, 410])('a %i answer means the subscription is gone', async (status) => {
    const channel = createPushChannel(config, { agent })!;
    await expect(channel.send(message(status))).resolves.toEqual({ gone: true });
    // It did reach the endpoint, verified and decrypted: the status is the push service's word.
    expect(deliveries.at(-1)!.path).toBe(`/status/${status}`);
  });

  it.each([400, 403, 413])('a %i answer is a PermanentSendError', async (status) => {
    const channel = createPushChannel(config, { agent })!;
    const error = await channel.send(message(status)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentSendError);
    expect(error).toMatchObject({ channel: 'push', status });
  });

  it.each([429, 500, 503])('a %i answer is thrown to be retried', async (status) => {
    const channel = createPushChannel(config, { agent })!;
    const error = await channel.send(message(status)).catch((e: unknown) => e);
    expect(error).toMatchObject({ statusCode: status });
    expect(isPermanentSendError(error)).toBe(false);
  });

  it('an endpoint whose certificate is not trusted, or that is not there, is a retryable error', async () => {
    const untrusting = createPushChannel(config)!;
    const tls = await untrusting.send(message(201)).catch((e: unknown) => e);
    expect(tls).toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(isPermanentSendError(tls)).toBe(false);

    const channel = createPushChannel(config, { agent })!;
    const refused = await channel.send(message(201, { subscription: { endpoint: 'https://127.0.0.1:1/x', keys } })).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'ECONNREFUSED' });
    expect(isPermanentSendError(refused)).toBe(false);
  });

  it('a malformed subscription is refused for good before anything is sent', async () => {
    const channel = createPushChannel(config, { agent })!;
    const before = deliveries.length;
    for (const subscription of [
      { endpoint: `${origin.replace('https', 'http')}/status/201`, keys },
      { endpoint: 'not a url', keys },
      { endpoint: `${origin}/status/201`, keys: { ...keys, p256dh: 'short' } },
      { endpoint: `${origin}/status/201`, keys: { ...keys, auth: 'c2hvcnQ' } },
    ]) {
      await expect(channel.send(message(201, { subscription }))).rejects.toBeInstanceOf(PermanentSendError);
    }
    expect(deliveries.length).toBe(before);
  });
});
