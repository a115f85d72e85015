// The declaration of http_ece (it ships none) must reach packages that compile this file from a test of theirs.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./http_ece.d.ts" />
import { spawnSync } from 'node:child_process';
import { createECDH, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decrypt } from 'http_ece';
import { importJWK, jwtVerify } from 'jose';

export interface PushEndpoint {
  /** A subscription as a browser makes one: `/status/<n>` answers n (201, 410...). */
  subscription(status?: number): { endpoint: string; keys: { p256dh: string; auth: string } };
  /** What arrived, verified (VAPID) and decrypted (RFC 8291). */
  received: { path: string; payload: unknown }[];
  /** The only agent that trusts the endpoint's certificate (the push channel's `agent` option). */
  agent: Agent;
  close(): Promise<void>;
}

/**
 * A real Web Push endpoint (RFC 8030) over HTTPS, with a certificate made for the run by
 * openssl: it checks the VAPID JWT (RFC 8292) against the `k` it names and the subject, and
 * decrypts the aes128gcm body with the subscription's private key and auth secret, as the push
 * service and the browser do between them. A request that fails either is answered 401.
 */
export async function startPushEndpoint(vapidSubject: string): Promise<PushEndpoint> {
  const dir = mkdtempSync(path.join(tmpdir(), 'push-endpoint-'));
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
  const browser = createECDH('prime256v1');
  browser.generateKeys();
  const authSecret = randomBytes(16).toString('base64url');
  const received: PushEndpoint['received'] = [];
  let origin = '';

  const receive = async (url: string, authorization: string, encoding: string | undefined, body: Buffer): Promise<number> => {
    const match = authorization.match(/^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/);
    if (!match) throw new Error('no VAPID authorization');
    const point = Buffer.from(match[2], 'base64url');
    const key = await importJWK(
      { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') },
      'ES256',
    );
    await jwtVerify(match[1], key, { algorithms: ['ES256'], audience: origin, subject: vapidSubject });
    if (encoding !== 'aes128gcm') throw new Error(`content-encoding ${encoding}`);
    const plaintext = decrypt(body, { version: 'aes128gcm', privateKey: browser, authSecret });
    received.push({ path: url, payload: JSON.parse(plaintext.toString('utf8')) });
    return Number(url.match(/^\/status\/(\d{3})$/)?.[1] ?? 201);
  };
  const server = createServer({ key: readFileSync(path.join(dir, 'key.pem')), cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      receive(req.url ?? '/', String(req.headers.authorization ?? ''), req.headers['content-encoding'] as string | undefined, Buffer.concat(chunks)).then(
        (status) => res.writeHead(status).end(),
        (error: Error) => res.writeHead(401).end(error.message),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const agent = new Agent({ ca: cert });
  return {
    subscription: (status = 201) => ({
      endpoint: `${origin}/status/${status}`,
      keys: { p256dh: browser.getPublicKey().toString('base64url'), auth: authSecret },
    }),
    received,
    agent,
    close: async () => {
      agent.destroy();
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
