/**
 * The customer app's benchmark, on the real stack (testkit's startGraph: the built gateway and
 * subgraphs as processes, PostgreSQL, Redis) and Debian's Chromium on loopback:
 *
 * 1. publishPwa, 30 times without a logo and 10 times with a 1024 x 1024 PNG logo served over
 *    loopback: the duration the pwa subgraph records (claim, icons with sharp, page, manifest,
 *    service worker, storing the files) and the round trip through the gateway; p50/p95/max.
 * 2. The first load of a business page in a fresh profile: bytes per resource type as
 *    Chromium's network layer counts them (encodedDataLength), and the JavaScript gzipped.
 * 3. Time to interactive of the ticket screen: navigation start to the ticket rendered and the
 *    main thread quiet (the end of the last long task, if any, after it), cold once and warm
 *    (service worker cache) ten times; plus when the live subscription was sent.
 *
 *   npm run build && npx tsx --tsconfig loadtests/pwa/tsconfig.json loadtests/pwa/bench.ts
 *
 * Records the machine's load for the publishing phase and the browser phase (loadtests/machine.ts):
 * a phase during which processes outside the benchmark took CPU is marked busy.
 * Writes results.json beside this file.
 */
import { createECDH } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import sharp from 'sharp';
import { chromium, type BrowserContext } from 'playwright-core';
import { createTestDatabase, freePort, graphEnv, graphqlOk, rateLimitsOff, startGraph } from '@waitlessq/testkit';
import { describeMachine, watchMachine } from '../machine';

const PUBLISHES = 30;
const LOGO_PUBLISHES = 10;
const WARM_RUNS = 10;
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

const round = (value: number) => Math.round(value * 10) / 10;
function percentiles(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  return { n: sorted.length, p50: round(at(50)), p95: round(at(95)), max: round(sorted[sorted.length - 1]) };
}

async function main() {
  const publishWatch = watchMachine();
  const db = await createTestDatabase();
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const graph = await startGraph(
    graphEnv(db, { ...rateLimitsOff, PORT: String(port), PUBLIC_URL: origin, VAPID_PUBLIC_KEY: ecdh.getPublicKey().toString('base64url'), LOG_LEVEL: 'warn' }),
  );
  const api = graph.gateway.url;
  const logo = await sharp({ create: { width: 1024, height: 1024, channels: 4, background: '#7c3aed' } })
    .png()
    .toBuffer();
  const logoServer = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(logo));
  await new Promise<void>((resolve) => logoServer.listen(0, '127.0.0.1', resolve));
  const logoUrl = `http://127.0.0.1:${(logoServer.address() as AddressInfo).port}/logo.png`;
  let context: BrowserContext | undefined;
  const profile = mkdtempSync(path.join(os.tmpdir(), 'wlq-bench-'));
  try {
    const { signUp } = await graphqlOk<{ signUp: { accessToken: string } }>(api, {
      query: `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }`,
      variables: { input: { organizationName: 'Bench Org', name: 'Owner', email: 'owner@bench.test', password: 'bench-password-1' } },
    });
    const call = <T>(query: string, variables: Record<string, unknown>) => graphqlOk<T>(api, { query, variables, token: signUp.accessToken });
    const businessId = (
      await call<{ createBusiness: { id: string } }>(`mutation($i: CreateBusinessInput!) { createBusiness(input: $i) { id } }`, {
        i: { name: 'Bench Clinic', timezone: 'Europe/Berlin' },
      })
    ).createBusiness.id;
    await call(`mutation($i: CreateServiceInput!) { createService(input: $i) { id } }`, { i: { businessId, name: 'Check-up', durationMinutes: 10 } });
    const queueId = (
      await call<{ createQueue: { id: string } }>(`mutation($i: CreateQueueInput!) { createQueue(input: $i) { id } }`, { i: { businessId, name: 'Walk-ins' } })
    ).createQueue.id;
    await call(`mutation($i: UpdatePwaConfigInput!) { updatePwaConfig(input: $i) { id } }`, { i: { businessId, languages: ['en', 'de'] } });

    const publish = async () => {
      const started = performance.now();
      const { publishPwa } = await call<{ publishPwa: { durationMs: number; files: { bytes: number }[] } }>(
        `mutation($b: ID!) { publishPwa(businessId: $b) { durationMs files { bytes } } }`,
        { b: businessId },
      );
      return { recorded: publishPwa.durationMs, roundTrip: performance.now() - started, bytes: publishPwa.files.reduce((sum, file) => sum + file.bytes, 0) };
    };
    const initials = [];
    for (let i = 0; i < PUBLISHES; i += 1) initials.push(await publish());
    await call(`mutation($i: UpdatePwaConfigInput!) { updatePwaConfig(input: $i) { id } }`, { i: { businessId, logoUrl } });
    const withLogo = [];
    for (let i = 0; i < LOGO_PUBLISHES; i += 1) withLogo.push(await publish());
    const publishMachine = publishWatch.stop();
    console.log(`publishing: ${describeMachine(publishMachine)}`);
    const browserWatch = watchMachine();

    // First load in a fresh profile.
    context = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      args: chromiumArgs,
      headless: true,
      viewport: { width: 390, height: 780 },
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    const types = new Map<string, string>();
    const urls = new Map<string, string>();
    const transfer: Record<string, number> = {};
    cdp.on('Network.responseReceived', ({ requestId, type, response }) => {
      types.set(requestId, type);
      urls.set(requestId, response.url);
    });
    cdp.on('Network.loadingFinished', ({ requestId, encodedDataLength }) => {
      const type = types.get(requestId) ?? 'Other';
      transfer[type] = (transfer[type] ?? 0) + encodedDataLength;
    });
    const appUrl = `${origin}/apps/${businessId}/latest/index.html`;
    await page.goto(appUrl);
    await page.locator('.queue-name').waitFor();
    await page.waitForLoadState('networkidle');
    const firstLoad = { ...transfer };
    const script = await fetch(`${origin}/apps/${businessId}/latest/index.html`)
      .then((r) => r.text())
      .then((html) => /src="([^"]+app\.js)"/.exec(html)![1]);
    const jsBytes = Buffer.from(await fetch(`${origin}${script}`).then((r) => r.text()), 'utf8');

    // The ticket screen: join once, then measure loads of it.
    await page.goto(`${appUrl}#/join/${queueId}`);
    await page.getByLabel('Your name').fill('Bench Customer');
    await page.getByRole('button', { name: 'Join' }).click();
    await page.locator('#position').waitFor();
    const ticketUrl = page.url();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await page.addInitScript(() => {
      const marks = ((window as unknown as { __wlq: Record<string, number> }).__wlq = { lastLongTaskEnd: 0 } as Record<string, number>);
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) marks.lastLongTaskEnd = Math.max(marks.lastLongTaskEnd, entry.startTime + entry.duration);
      }).observe({ type: 'longtask', buffered: true });
      const send = WebSocket.prototype.send;
      WebSocket.prototype.send = function (data) {
        if (typeof data === 'string' && data.includes('"subscribe"') && !marks.subscribed) marks.subscribed = performance.now();
        return send.call(this, data);
      };
      new MutationObserver(() => {
        if (!marks.ticket && document.querySelector('#position')) marks.ticket = performance.now();
      }).observe(document, { childList: true, subtree: true });
    });
    const measure = async () => {
      await page.goto('about:blank');
      await page.goto(ticketUrl);
      await page.locator('#position').waitFor();
      await page.waitForFunction(() => !!(window as unknown as { __wlq: Record<string, number> }).__wlq.subscribed);
      await page.waitForTimeout(300);
      const marks = await page.evaluate(() => (window as unknown as { __wlq: Record<string, number> }).__wlq);
      return { ticket: marks.ticket, interactive: Math.max(marks.ticket, marks.lastLongTaskEnd), subscribed: marks.subscribed };
    };
    const warm = [];
    for (let i = 0; i < WARM_RUNS; i += 1) warm.push(await measure());
    // Cold: the service worker and HTTP caches cleared, as on a first visit of the ticket link.
    await context.clearCookies();
    await page.evaluate(async () => {
      for (const registration of await navigator.serviceWorker.getRegistrations()) await registration.unregister();
      for (const key of await caches.keys()) await caches.delete(key);
    });
    await cdp.send('Network.clearBrowserCache');
    const cold = await measure();

    const browserMachine = browserWatch.stop();
    console.log(`browser: ${describeMachine(browserMachine)}`);
    const results = {
      date: new Date().toISOString(),
      cores: os.cpus().length,
      machine: { publish: publishMachine, browser: browserMachine },
      publish: {
        initials: {
          recordedMs: percentiles(initials.map((r) => r.recorded)),
          roundTripMs: percentiles(initials.map((r) => r.roundTrip)),
          bytesPerVersion: initials[0].bytes,
        },
        withLogo: {
          recordedMs: percentiles(withLogo.map((r) => r.recorded)),
          roundTripMs: percentiles(withLogo.map((r) => r.roundTrip)),
          bytesPerVersion: withLogo[0].bytes,
        },
      },
      firstLoad: {
        bytesByType: firstLoad,
        totalBytes: Object.values(firstLoad).reduce((sum, value) => sum + value, 0),
        javascript: { bytes: jsBytes.byteLength, gzipBytes: gzipSync(jsBytes, { level: 9 }).byteLength },
      },
      ticketScreen: {
        warm: {
          renderedMs: percentiles(warm.map((r) => r.ticket)),
          interactiveMs: percentiles(warm.map((r) => r.interactive)),
          subscribedMs: percentiles(warm.map((r) => r.subscribed)),
        },
        cold: { renderedMs: round(cold.ticket), interactiveMs: round(cold.interactive), subscribedMs: round(cold.subscribed) },
      },
    };
    writeFileSync(path.join(__dirname, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    console.log(JSON.stringify(results, null, 2));
  } finally {
    await context?.close();
    rmSync(profile, { recursive: true, force: true });
    logoServer.close();
    await graph.stop();
    await db.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
