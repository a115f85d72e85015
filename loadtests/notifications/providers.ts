/**
 * The providers of the notification benchmarks, each a real local server on 127.0.0.1 that
 * stamps the moment a message is fully handed to it (before any check of its own):
 * - SMTP (smtp-server): the end of the DATA stream, keyed by envelope recipient and subject;
 * - SMS: a Twilio-style Messages resource (form-encoded POST, basic auth), keyed by To and Body;
 * - web push: an HTTPS endpoint with a certificate made for this run; it decrypts each payload
 *   (RFC 8291) with the subscription's keys after stamping, so the tag says visit and kind;
 * - webhooks: answers 200 at once and verifies every signature with standardwebhooks.
 */
import { spawnSync } from 'node:child_process';
import { createECDH, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decrypt } from 'http_ece';
import { SMTPServer } from 'smtp-server';
import { Webhook } from 'standardwebhooks';

export interface Arrival {
  /** Epoch ms when the provider had the whole message. */
  at: number;
  /** Who it is for: the email address, the phone, or the visit id (push, from the endpoint path). */
  to: string;
  /** Subject (email), body (SMS), push payload tag (`<visitId>:<kind>`). */
  text: string;
}

const listen = async (server: http.Server | https.Server): Promise<number> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
};
const closeServer = (server: http.Server | https.Server) => new Promise<void>((resolve) => server.close(() => resolve()));

export async function startSmtp(): Promise<{ url: string; arrivals: Arrival[]; close(): Promise<void> }> {
  const arrivals: Arrival[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    // The channel opens one connection per message: many at once under load.
    maxClients: 1_000,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const at = Date.now();
        const raw = Buffer.concat(chunks).toString('utf8');
        const subject = raw.match(/^Subject: (.*)$/m)?.[1]?.trim() ?? '';
        for (const rcpt of session.envelope.rcptTo) arrivals.push({ at, to: rcpt.address, text: subject });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, arrivals, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export async function startSmsProvider(
  accountSid: string,
  authToken: string,
): Promise<{ url: string; arrivals: Arrival[]; refused: number; close(): Promise<void> }> {
  const arrivals: Arrival[] = [];
  const expected = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
  const state = { refused: 0 };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const at = Date.now();
      if (req.headers.authorization !== expected || !req.url?.endsWith(`/Accounts/${accountSid}/Messages.json`)) {
        state.refused += 1;
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"code":20003,"message":"Authenticate"}');
        return;
      }
      const form = new URLSearchParams(body);
      arrivals.push({ at, to: form.get('To') ?? '', text: form.get('Body') ?? '' });
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ sid: `SM${arrivals.length}`, status: 'queued' }));
    });
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    arrivals,
    get refused() {
      return state.refused;
    },
    close: () => closeServer(server),
  };
}

export interface PushEndpoint {
  origin: string;
  /** The subscription's keys (one browser key pair for every subscription of the run). */
  keys: { p256dh: string; auth: string };
  /** Trusts only this run's certificate (the push channel's `agent` option). */
  agent: https.Agent;
  arrivals: Arrival[];
  undecryptable: number;
  close(): Promise<void>;
}

export async function startPushEndpoint(): Promise<PushEndpoint> {
  const receiver = createECDH('prime256v1');
  receiver.generateKeys();
  const authSecret = randomBytes(16).toString('base64url');
  const dir = mkdtempSync(path.join(tmpdir(), 'push-bench-'));
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
  const key = readFileSync(path.join(dir, 'key.pem'));
  rmSync(dir, { recursive: true, force: true });
  const arrivals: Arrival[] = [];
  const state = { undecryptable: 0 };
  const server = https.createServer({ key, cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const at = Date.now();
      try {
        const payload = JSON.parse(decrypt(Buffer.concat(chunks), { version: 'aes128gcm', privateKey: receiver, authSecret }).toString('utf8')) as {
          tag?: string;
        };
        arrivals.push({ at, to: (req.url ?? '').replace(/^\/push\//, ''), text: payload.tag ?? '' });
        res.writeHead(201).end();
      } catch {
        state.undecryptable += 1;
        res.writeHead(400).end();
      }
    });
  });
  const port = await listen(server);
  const agent = new https.Agent({ ca: cert, keepAlive: true });
  return {
    origin: `https://127.0.0.1:${port}`,
    keys: { p256dh: receiver.getPublicKey().toString('base64url'), auth: authSecret },
    agent,
    arrivals,
    get undecryptable() {
      return state.undecryptable;
    },
    close: async () => {
      agent.destroy();
      await closeServer(server);
    },
  };
}

export interface WebhookReceiver {
  url: string;
  /** One arrival per delivery: `to` is the endpoint's index (path /hook/<i>), `text` the webhook-id. */
  arrivals: Arrival[];
  verified: number;
  failedVerification: number;
  close(): Promise<void>;
}

/** Answers 200 at once; then checks the signature with the endpoint's secret (by the path's index). */
export async function startWebhookReceiver(secretOf: (index: number) => string | undefined): Promise<WebhookReceiver> {
  const arrivals: Arrival[] = [];
  const state = { verified: 0, failed: 0 };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const at = Date.now();
      res.writeHead(200).end();
      const index = Number(req.url?.match(/^\/hook\/(\d+)$/)?.[1] ?? -1);
      arrivals.push({ at, to: String(index), text: String(req.headers['webhook-id'] ?? '') });
      const secret = secretOf(index);
      try {
        if (!secret) throw new Error('unknown endpoint');
        new Webhook(secret).verify(body, {
          'webhook-id': String(req.headers['webhook-id']),
          'webhook-timestamp': String(req.headers['webhook-timestamp']),
          'webhook-signature': String(req.headers['webhook-signature']),
        });
        state.verified += 1;
      } catch {
        state.failed += 1;
      }
    });
  });
  // Deliveries open one connection each (no keep-alive): many at once.
  server.maxConnections = 10_000;
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    arrivals,
    get verified() {
      return state.verified;
    },
    get failedVerification() {
      return state.failed;
    },
    close: () => closeServer(server),
  };
}
