import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedAddress } from './ssrf-guard';

export interface WebhookResponse {
  statusCode: number;
}

/** How much of a receiver's answer is read (and then dropped): enough to finish the exchange. */
const maxResponseBytes = 64 * 1024;

/**
 * POSTs to the URL, connecting to the address checked before (never resolving the name again,
 * so a rebinding DNS answer cannot redirect the connection). TLS still verifies the URL's host
 * name. Redirects are not followed: a 3xx is an answer like any other non-2xx.
 */
export function postWebhook(url: URL, address: ResolvedAddress, headers: Record<string, string>, body: string, timeoutMs: number): Promise<WebhookResponse> {
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if (options.all) (callback as (e: null, addresses: { address: string; family: number }[]) => void)(null, [address]);
    else callback(null, address.address, address.family);
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'WaitLessQ-Webhooks/1' },
        lookup: pinned,
        agent: false,
        timeout: timeoutMs,
      },
      (response) => {
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > maxResponseBytes) response.destroy();
        });
        response.on('close', () => resolve({ statusCode: response.statusCode ?? 0 }));
        response.on('error', () => resolve({ statusCode: response.statusCode ?? 0 }));
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}
