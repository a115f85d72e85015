import { createECDH } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { createTestDatabase, freePort, graphEnv, graphqlOk, rateLimitsOff, startGraph, type RunningGraph, type TestDatabase } from '@waitlessq/testkit';

// A customer's side of WaitLessQ in a real browser (Debian's Chromium driven by playwright-core)
// against the real stack: the gateway and the four subgraphs as processes, PostgreSQL, Redis.
// The app is published through the API and opened from the gateway's /apps/, as a customer
// scanning the door's QR code would. Screenshots of every screen go to e2e/artifacts/pwa/.

jest.setTimeout(60_000);

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const artifacts = path.resolve(__dirname, 'artifacts/pwa');
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
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

let db: TestDatabase;
let graph: RunningGraph;
let api: string;
let origin: string;
let profile: string;
let context: BrowserContext;
let page: Page;
let cdp: CDPSession;
const registrations = new Map<string, string>();
const runningStatus = new Map<string, string>();

let owner: string;
let businessId: string;
let queueId: string;
let appUrl: string;

const call = <T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}, token = owner) =>
  graphqlOk<T>(api, { query, variables, token });

/** A VAPID public key as a push service would want it: an uncompressed P-256 point, base64url. */
function vapidPublicKey(): string {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return ecdh.getPublicKey().toString('base64url');
}

async function seed(): Promise<void> {
  const { signUp } = await graphqlOk<{ signUp: { accessToken: string } }>(api, {
    query: `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }`,
    variables: { input: { organizationName: 'Praxis Org', name: 'Dr. Owner', email: 'owner@praxis.test', password: 'owner-password-1' } },
  });
  owner = signUp.accessToken;
  businessId = (
    await call<{ createBusiness: { id: string } }>(`mutation($input: CreateBusinessInput!) { createBusiness(input: $input) { id } }`, {
      input: { name: 'Praxis am Park', timezone: 'Europe/Berlin' },
    })
  ).createBusiness.id;
  await call(`mutation($b: ID!, $i: [OpeningHoursIntervalInput!]!) { setOpeningHours(businessId: $b, intervals: $i) { id } }`, {
    b: businessId,
    i: [0, 1, 2, 3, 4].flatMap((weekday) => [
      { weekday, opensAt: '08:00', closesAt: '12:00' },
      { weekday, opensAt: '14:00', closesAt: '18:00' },
    ]),
  });
  const serviceId = (
    await call<{ createService: { id: string } }>(`mutation($input: CreateServiceInput!) { createService(input: $input) { id } }`, {
      input: { businessId, name: 'Blood test', durationMinutes: 10 },
    })
  ).createService.id;
  await call(`mutation($input: CreateServiceInput!) { createService(input: $input) { id } }`, {
    input: { businessId, name: 'Vaccination', durationMinutes: 15 },
  });
  queueId = (
    await call<{ createQueue: { id: string } }>(`mutation($input: CreateQueueInput!) { createQueue(input: $input) { id } }`, {
      input: { businessId, name: 'Walk-ins', countersOpen: 1, serviceIds: [serviceId] },
    })
  ).createQueue.id;
  // Appointments around the clock, so a slot is always close enough to check in.
  await call(`mutation($input: SetBookingPolicyInput!) { setBookingPolicy(input: $input) { id } }`, {
    input: { businessId, slotMinutes: 15, minNoticeMinutes: 0 },
  });
  await call(`mutation($input: SetAvailabilityInput!) { setAvailability(input: $input) { id } }`, {
    input: { businessId, intervals: [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, startsAt: '00:00', endsAt: '24:00' })) },
  });
  await call(`mutation($input: UpdatePwaConfigInput!) { updatePwaConfig(input: $input) { id } }`, {
    input: {
      businessId,
      themeColor: '#0f766e',
      accentColor: '#1d4ed8',
      languages: ['en', 'de', 'ar'],
      defaultLanguage: 'en',
      welcomeMessage: 'Welcome! Join the line from your phone.',
      features: { appointments: true },
    },
  });
  const { publishPwa } = await call<{ publishPwa: { url: string; version: number } }>(`mutation($b: ID!) { publishPwa(businessId: $b) { url version } }`, {
    b: businessId,
  });
  expect(publishPwa.url).toBe(`${origin}/apps/${businessId}/v/1/index.html`);
  // Somebody is in line already.
  await graphqlOk(api, {
    query: `mutation($input: JoinQueueInput!) { joinQueue(input: $input) { visit { id } } }`,
    variables: { input: { queueId, name: 'Early Bird' } },
  });
  appUrl = `${origin}/apps/${businessId}/latest/index.html`;
}

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  db = await createTestDatabase();
  const gatewayPort = await freePort();
  origin = `http://127.0.0.1:${gatewayPort}`;
  graph = await startGraph(graphEnv(db, { ...rateLimitsOff, PORT: String(gatewayPort), PUBLIC_URL: origin, VAPID_PUBLIC_KEY: vapidPublicKey() }));
  api = graph.gateway.url;
  expect(api).toBe(`${origin}/graphql`);
  await seed();

  profile = mkdtempSync(path.join(os.tmpdir(), 'wlq-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    args: chromiumArgs,
    headless: true,
    viewport: { width: 390, height: 780 },
    locale: 'en-US',
  });
  await context.grantPermissions(['notifications'], { origin });
  page = context.pages()[0] ?? (await context.newPage());
  cdp = await context.newCDPSession(page);
  cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations: updated }) => {
    for (const registration of updated) if (!registration.isDeleted) registrations.set(registration.scopeURL, registration.registrationId);
  });
  cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
    for (const version of versions) runningStatus.set(version.registrationId, version.runningStatus);
  });
  await cdp.send('ServiceWorker.enable');
}, 120_000);

afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await graph?.stop();
  await db?.drop();
});

async function checkAccessibility(screen: string): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run(context: Document): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }
    ).axe;
    return (await axe.run(document)).violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((node) => node.target.join(' ')) }));
  });
  expect({ screen, serious: violations.filter((v) => v.impact === 'serious' || v.impact === 'critical') }).toEqual({ screen, serious: [] });
}

/** The value once `accept` takes it, or the last one after the timeout (then the assertion shows it). */
async function poll<T>(read: () => Promise<T> | T, accept: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!accept(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

const shot = (name: string) => page.screenshot({ path: path.join(artifacts, `${name}.png`) });
const ticketNumber = () => page.locator('.ticket-number').innerText();

describe('the customer app in Chromium', () => {
  let visitId: string;

  it('opens the business page: name, opening hours, open queues with their line and estimate, services', async () => {
    await page.goto(appUrl);
    await page.locator('.queue-name', { hasText: 'Walk-ins' }).waitFor();
    await expect(page.locator('header h1').innerText()).resolves.toBe('Praxis am Park');
    await expect(page.locator('.welcome').innerText()).resolves.toContain('Welcome!');
    await expect(page.locator('.queue-waiting').innerText()).resolves.toBe('1 waiting');
    await expect(page.locator('.queue-estimate').innerText()).resolves.toBe('about 10 min');
    await expect(page.locator('.hours tr').first().innerText()).resolves.toMatch(/Mon\s+08:00–12:00, 14:00–18:00/);
    await expect(page.locator('.hours tr').nth(6).innerText()).resolves.toMatch(/Sun\s+Closed/);
    await expect(page.locator('.services li').allInnerTexts()).resolves.toEqual([
      expect.stringContaining('Blood test'),
      expect.stringContaining('Vaccination'),
    ]);
    await shot('1-business');
    await checkAccessibility('business page');
  });

  it('joins the queue with a name, phone, service and party size, and shows ticket, position and estimate', async () => {
    await page.getByRole('link', { name: 'Join “Walk-ins”' }).click();
    await page.getByLabel('Your name').waitFor();
    await checkAccessibility('join form');
    await page.getByLabel('Your name').fill('Lena Schmidt');
    await page.getByLabel('Phone (optional)').fill('+49 30 1234567');
    await page.getByLabel('Service').selectOption({ label: 'Blood test' });
    await page.getByLabel('Number of people').fill('2');
    await shot('2-join');
    await page.getByRole('button', { name: 'Join' }).click();
    await page.locator('.ticket-number').waitFor();
    visitId = /#\/visit\/([0-9a-f-]{36})$/.exec(page.url())![1];
    await expect(ticketNumber()).resolves.toBe('A-002');
    await expect(page.locator('#position').innerText()).resolves.toBe('2');
    await expect(page.locator('#estimate').innerText()).resolves.toBe('about 10 min');
    await shot('3-ticket');
    await checkAccessibility('ticket');
    const stored = await page.evaluate((key) => localStorage.getItem(key), `wlq:${businessId}:visits`);
    expect(JSON.parse(stored ?? '[]')).toEqual([expect.objectContaining({ id: visitId, token: expect.stringMatching(/^vt_/) })]);
  });

  it('is controlled by the service worker and installable (no installability errors)', async () => {
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 15_000 });
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors).toEqual([]);
  });

  it('catches up after losing its connection: the subscription resumes after the last event it saw', async () => {
    // Staff keep working through another gateway while the page's gateway is down (a phone
    // asleep, a deploy); the event that moved this visit up happens while it is disconnected.
    const subscribes: Record<string, unknown>[] = [];
    page.on('websocket', (socket) =>
      socket.on('framesent', ({ payload }) => {
        const message = JSON.parse(String(payload));
        if (message.type === 'subscribe') subscribes.push(message.payload.variables);
      }),
    );
    // An event about this visit first (a second counter opens: the estimate halves), so the
    // page has a sequence to resume after.
    await call(`mutation($input: UpdateQueueInput!) { updateQueue(input: $input) { id } }`, { input: { queueId, countersOpen: 2 } });
    await page.locator('#estimate', { hasText: 'about 5 min' }).waitFor({ timeout: 5_000 });

    const other = await graph.startGateway({ PORT: String(await freePort()) });
    await graph.gateway.stop();
    await page.locator('#wlq-notice', { hasText: 'Reconnecting' }).waitFor({ timeout: 10_000 });
    await graphqlOk(other.url, { query: `mutation($q: ID!) { callNext(queueId: $q) { ticket } }`, variables: { q: queueId }, token: owner });
    await expect(page.locator('#position').innerText()).resolves.toBe('2');
    await graph.startGateway({ PORT: String(new URL(origin).port) });
    await page.locator('#position', { hasText: /^1$/ }).waitFor({ timeout: 20_000 });
    await page.locator('#wlq-notice').waitFor({ state: 'hidden', timeout: 5_000 });
    expect(subscribes).toEqual([expect.objectContaining({ id: visitId, afterSequence: expect.any(Number) })]);
  });

  it('shows "it\'s your turn, go to counter 3" within a second of staff calling', async () => {
    await call(`mutation($q: ID!, $c: String) { callNext(queueId: $q, counter: $c) { ticket } }`, { q: queueId, c: '3' });
    const answered = Date.now();
    await page.locator('.turn').waitFor({ timeout: 5_000 });
    const shownAfterMs = Date.now() - answered;
    expect(shownAfterMs).toBeLessThan(1_000);
    await expect(page.locator('.turn').innerText()).resolves.toMatch(/It’s your turn!\s+Please go to counter 3\./);
    await expect(page.locator('.turn').getAttribute('role')).resolves.toBe('alert');
    await shot('4-your-turn');
    await checkAccessibility('your turn');
  });

  it('shows a notification for a push message delivered to its service worker', async () => {
    const scope = `${origin}/apps/${businessId}/latest/`;
    expect(
      await poll(
        () => registrations.get(scope),
        (id) => id !== undefined,
      ),
    ).toBeDefined();
    // Chromium drops a message delivered through CDP to a worker that is not running yet (a
    // push service's message would wait for it): start the worker, wait until it runs, and
    // deliver again if nothing was shown (the handler is what is under test, not CDP's timing).
    await cdp.send('ServiceWorker.startWorker', { scopeURL: scope });
    expect(
      await poll(
        () => runningStatus.get(registrations.get(scope)!),
        (status) => status === 'running',
      ),
    ).toBe('running');
    const deliver = () =>
      cdp.send('ServiceWorker.deliverPushMessage', {
        origin,
        registrationId: registrations.get(scope)!,
        data: JSON.stringify({ title: 'Praxis am Park', body: 'A-002: please go to counter 3', visitId, status: 'CALLED' }),
      });
    const notifications = () =>
      page.evaluate(async () =>
        (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({
          title: n.title,
          body: n.body,
          tag: n.tag,
          url: (n.data as { url?: string })?.url,
        })),
      );
    let shown: Awaited<ReturnType<typeof notifications>> = [];
    for (let attempt = 0; attempt < 3 && shown.length === 0; attempt += 1) {
      await deliver();
      shown = await poll(notifications, (list) => list.length > 0, 2_000);
    }
    expect(shown).toEqual([{ title: 'Praxis am Park', body: 'A-002: please go to counter 3', tag: `visit-${visitId}`, url: `index.html#/visit/${visitId}` }]);
  });

  it('reloads offline with the shell and the last known ticket, and says it is offline', async () => {
    await context.setOffline(true);
    try {
      await page.reload();
      await page.locator('.ticket-number').waitFor();
      await expect(page.locator('header h1').innerText()).resolves.toBe('Praxis am Park');
      await expect(ticketNumber()).resolves.toBe('A-002');
      await expect(page.locator('.turn-where').innerText()).resolves.toBe('Please go to counter 3.');
      await page.locator('#wlq-notice', { hasText: 'You are offline' }).waitFor();
      await shot('5-offline');
      await checkAccessibility('offline ticket');
    } finally {
      await context.setOffline(false);
    }
  });

  it('speaks German and lays Arabic out right to left', async () => {
    await page.goto(appUrl);
    await page.locator('#wlq-language').selectOption('de');
    await page.getByRole('heading', { name: 'Warteschlangen' }).waitFor();
    await expect(page.locator('html').getAttribute('dir')).resolves.toBe('ltr');

    await page.locator('#wlq-language').selectOption('ar');
    await page.getByRole('heading', { name: 'الطوابير' }).waitFor();
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('ar');
    await expect(page.locator('html').getAttribute('dir')).resolves.toBe('rtl');
    // Right to left: the queue's name starts at the right edge of its card, the button sits at the left.
    const card = (await page.locator('.queues .card').first().boundingBox())!;
    const name = (await page.locator('.queue-name bdi').first().boundingBox())!;
    const button = (await page.locator('.queues .card .button').first().boundingBox())!;
    expect(card.x + card.width - (name.x + name.width)).toBeLessThan(20);
    expect(button.x).toBeLessThan(name.x + name.width / 2);
    await shot('6-arabic-rtl');
    await checkAccessibility('business page in Arabic');
    await page.locator('#wlq-language').selectOption('en');
  });

  it("leaves the line with the visit token and lists this device's visits", async () => {
    await page.getByRole('link', { name: 'Join “Walk-ins”' }).click();
    await page.getByLabel('Your name').fill('Lena again');
    await page.getByRole('button', { name: 'Join' }).click();
    await page.locator('#position').waitFor();
    await expect(ticketNumber()).resolves.toBe('A-003');
    await page.getByRole('button', { name: 'Leave the line' }).click();
    await page.getByText('Leave the line? Your place will be given up.').waitFor();
    await page.getByRole('button', { name: 'Leave the line' }).click();
    await page.getByText('You left the line.').waitFor();

    await page.goto(`${appUrl}#/visits`);
    await page.getByRole('heading', { name: 'My visits' }).waitFor();
    await expect(page.locator('.visits li').allInnerTexts()).resolves.toEqual([
      expect.stringMatching(/A-002 Walk-ins\s+Please go to counter 3\./),
      expect.stringMatching(/A-003 Walk-ins\s+You left the line\./),
    ]);
    await shot('7-my-visits');
    await checkAccessibility('my visits');
  });

  it('replaces the old version cleanly when a new one is published, and the old version keeps working', async () => {
    await page.goto(appUrl);
    await page.locator('.queue-name').first().waitFor();
    // The app reloads itself when the new worker takes over: a read during that reload is retried.
    const cacheNames = () => page.evaluate(() => caches.keys()).catch(() => [] as string[]);
    expect(await cacheNames()).toEqual([`wlq-${businessId}-v1`]);

    await call(`mutation($input: UpdatePwaConfigInput!) { updatePwaConfig(input: $input) { id } }`, { input: { businessId, appName: 'Praxis am Park (neu)' } });
    await call(`mutation($b: ID!) { publishPwa(businessId: $b) { version } }`, { b: businessId });
    // The next visit fetches the page and the worker afresh; the new worker precaches version 2,
    // takes over, drops version 1's cache, and the app reloads once onto the new shell.
    await page.reload();
    expect(await poll(cacheNames, (names) => names.length === 1 && names[0].endsWith('-v2'), 15_000)).toEqual([`wlq-${businessId}-v2`]);
    await page.locator('header h1', { hasText: 'Praxis am Park (neu)' }).waitFor({ timeout: 10_000 });
    const cached = await page.evaluate(
      async (name) => (await (await caches.open(name)).keys()).map((request) => new URL(request.url).pathname),
      `wlq-${businessId}-v2`,
    );
    expect(cached).toEqual(expect.arrayContaining([`/apps/${businessId}/v/2/app.js`, `/apps/${businessId}/latest/index.html`]));
    expect(cached.filter((url) => url.includes('/v/1/'))).toEqual([]);

    await page.goto(`${origin}/apps/${businessId}/v/1/index.html`);
    await page.locator('.queue-name').first().waitFor();
    await expect(page.locator('header h1').innerText()).resolves.toBe('Praxis am Park');
  });

  it('opens the join form of one queue from its QR code link', async () => {
    const { business } = await graphqlOk<{ business: { joinLink: string } }>(api, {
      query: `query($b: ID!, $q: ID) { business(id: $b) { joinLink(queueId: $q) } }`,
      variables: { b: businessId, q: queueId },
    });
    expect(business.joinLink).toBe(`${appUrl}?queue=${queueId}`);
    await page.goto(business.joinLink);
    await page.getByRole('heading', { name: 'Join “Walk-ins”' }).waitFor();
  });

  it('books an appointment, shows it, and checks in on arrival into the line', async () => {
    await page.goto(appUrl);
    await page.getByRole('heading', { name: 'Book an appointment' }).waitFor();
    await page.getByRole('link', { name: 'Blood test' }).click();
    await page.getByRole('heading', { name: 'Book “Blood test”' }).waitFor();
    await page.getByLabel('Your name').fill('Mara Weber');
    await page.getByLabel('Email').fill('mara@example.test');
    const slot = page.getByRole('button', { name: /^Book \d/ }).first();
    await slot.waitFor();
    await checkAccessibility('booking');
    await shot('8-booking');
    await slot.click();
    await page.getByRole('heading', { name: 'Your appointment' }).waitFor();
    await page.getByText('Booked. Check in when you arrive.').waitFor();
    await checkAccessibility('appointment');
    await page.getByRole('link', { name: 'Back' }).click();
    await page.getByRole('link', { name: /^Your appointment: / }).click();
    await page.getByRole('button', { name: 'I have arrived' }).click();
    await page.locator('#position').waitFor();
    await expect(ticketNumber()).resolves.toMatch(/^A-\d{3}$/);
  });
});
