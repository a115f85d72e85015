import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { errorCode, graphql, graphqlOk } from '@waitlessq/testkit';

// The README's start command on a fresh clone: nothing configured, an empty data folder.
// `npm start` is `npm run build && node apps/all-in-one/dist/all-in-one.js`; the build has run already.

const root = path.resolve(__dirname, '..');
let child: ChildProcess;
let dataDir: string;
let output = '';

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

it('starts the whole graph on the embedded database and answers through the gateway', async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'wlq-embedded-'));
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, EMBEDDED_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn' };
  child = spawn(process.execPath, ['apps/all-in-one/dist/all-in-one.js'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed in 60 s:\n${output}`)), 60_000);
    const poll = setInterval(() => {
      const match = /WaitLessQ is running: (http:\/\/\S+\/graphql)/.exec(output);
      if (match || child.exitCode !== null) {
        clearInterval(poll);
        clearTimeout(timer);
        if (match) resolve(match[1]);
        else reject(new Error(`exited with ${child.exitCode}:\n${output}`));
      }
    }, 100);
  });
  expect(output).toContain('owner@demo.waitlessq.dev');

  const { signIn } = await graphqlOk<{ signIn: { accessToken: string } }>(url, {
    query: `mutation { signIn(email: "owner@demo.waitlessq.dev", password: "demo-password-1") { accessToken } }`,
  });
  const { me } = await graphqlOk<{ me: { email: string; organization: { name: string; businesses: { queues: { waitingCount: number }[] }[] } } }>(url, {
    token: signIn.accessToken,
    query: `{ me { email organization { name businesses { queues { waitingCount } } } } }`,
  });
  expect(me.email).toBe('owner@demo.waitlessq.dev');
  expect(me.organization.name).toBe('Demo Health');
  expect(me.organization.businesses.flatMap((b) => b.queues).map((q) => q.waitingCount)).toContain(5);

  // Appointments on the embedded database: the demo clinic's opening hours are bookable, and
  // the capacity trigger (PL/pgSQL, advisory locks) gives the last spot to one of two bookings.
  const { business } = await graphqlOk<{ business: { id: string; services: { id: string }[] } }>(url, {
    query: `{ business(slug: "riverside-clinic") { id services { id } } }`,
  });
  const from = new Date();
  const to = new Date(from.getTime() + 7 * 86_400_000);
  const slotsQuery = `query($id: ID!, $s: ID!, $from: DateTime!, $to: DateTime!) { business(id: $id) { availableSlots(serviceId: $s, from: $from, to: $to) { startsAt spotsLeft } } }`;
  const slots = await graphqlOk<{ business: { availableSlots: { startsAt: string }[] } }>(url, {
    query: slotsQuery,
    variables: { id: business.id, s: business.services[0].id, from: from.toISOString(), to: to.toISOString() },
  });
  expect(slots.business.availableSlots.length).toBeGreaterThan(0);
  const book = (name: string) =>
    graphql(url, {
      query: `mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) { visit { id status } } }`,
      variables: {
        input: { businessId: business.id, serviceId: business.services[0].id, startsAt: slots.business.availableSlots[0].startsAt, name, phone: '+49 30 1234' },
      },
    });
  const answers = await Promise.all([book('One'), book('Two')]);
  expect(answers.map((answer) => (answer.errors?.length ? errorCode(answer) : 'BOOKED')).sort()).toEqual(['BOOKED', 'SLOT_UNAVAILABLE']);
}, 90_000);
