import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { identityHeader, sha256, type Identity } from '@waitlessq/auth';
import type { EmailChannel, EmailMessage } from '@waitlessq/channels';
import type { AddOptions, JobCatalog, JobName, Jobs } from '@waitlessq/jobs';
import type { ServiceRuntime } from '@waitlessq/subgraph-kit';
import { createTestDatabase, startSubgraph, type RunningSubgraph, type TestDatabase } from '@waitlessq/testkit';
import { createUserSubgraph } from '../index';
import { pendingInvitationIds, sendInvitationEmail } from './invitation-email';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Data = Record<string, any>;
interface Response {
  data?: Data | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

const INVITE = `mutation($input: InviteStaffInput!) { inviteStaff(input: $input) { token invitation { id email role expiresAt } } }`;
const ACCEPT = `mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { user { id email role } } }`;

let db: TestDatabase;
let runtime: ServiceRuntime;
let production: ServiceRuntime;
let subgraphs: RunningSubgraph[] = [];
let url: string;
let productionUrl: string;
let sql: Client;
const added: { name: JobName; data: unknown; options?: AddOptions }[] = [];
let queueDown = false;

const recordingJobs: Jobs = {
  kind: 'memory',
  queue: {
    add: async <N extends JobName>(name: N, data: JobCatalog[N], options?: AddOptions) => {
      if (queueDown) throw new Error('Redis is down');
      added.push({ name, data, options });
    },
    addBulk: async (jobs) => {
      if (queueDown) throw new Error('Redis is down');
      for (const job of jobs) added.push({ name: job.name, data: job.data, options: job.options });
    },
    close: async () => undefined,
  },
  startRunner: () => Promise.reject(new Error('not in this test')),
  close: async () => undefined,
};

/** An EmailChannel that keeps what it is handed (the SMTP path is the channels package's test). */
class RecordingEmail implements EmailChannel {
  readonly kind = 'log' as const;
  readonly sent: EmailMessage[] = [];
  failing = false;
  async send(message: EmailMessage) {
    if (this.failing) throw new Error('451 try again later');
    this.sent.push(message);
    return { messageId: `<${this.sent.length}@test>` };
  }
}

const baseEnv = () => ({ REDIS_KEY_PREFIX: `test:${db.name}:`, PUBLIC_URL: 'https://app.waitlessq.example' });
const recording = (r: ServiceRuntime) => void Object.assign(r, { jobs: recordingJobs });

beforeAll(async () => {
  db = await createTestDatabase();
  const testOne = await startSubgraph('user', createUserSubgraph, db, { env: baseEnv(), prepare: recording });
  const productionOne = await startSubgraph('user', createUserSubgraph, db, {
    env: {
      ...baseEnv(),
      NODE_ENV: 'production',
      JWT_SECRET: 'production-like-jwt-secret-0123456789abcdef',
      IDENTITY_SIGNING_SECRET: 'production-like-identity-secret-0123456789ab',
      VISIT_TOKEN_SECRET: 'production-like-visit-secret-0123456789abcdef',
    },
    shared: { db: testOne.runtime.db, redis: testOne.runtime.redis },
    prepare: recording,
  });
  subgraphs = [productionOne, testOne];
  [runtime, url, production, productionUrl] = [testOne.runtime, testOne.url, productionOne.runtime, productionOne.url];
  sql = new Client({ connectionString: db.url });
  await sql.connect();
});

afterAll(async () => {
  await sql?.end();
  for (const subgraph of subgraphs) await subgraph.stop();
  await db?.drop();
});

async function call(query: string, variables: Record<string, unknown>, identity: Identity, on = url): Promise<Response> {
  const signer = on === productionUrl ? production.signer : runtime.signer;
  const response = await fetch(on, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [identityHeader]: await signer.sign(identity) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as Response;
}

const prisma = () => runtime.db.prisma;
const invitationRow = async (id: string) => (await sql.query('SELECT * FROM "Invitation" WHERE "id" = $1', [id])).rows[0];
const options = { publicUrl: 'https://app.waitlessq.example/' };

/** An organization named with markup (escaped in the HTML) and its owner. */
async function organizationWithOwner() {
  const org = await prisma().organization.create({ data: { name: 'Acme <Clinics>', slug: `acme-${randomUUID()}` } });
  const owner = await prisma().user.create({
    data: { organizationId: org.id, email: `owner-${randomUUID()}@example.test`, name: 'Olga Owner', passwordHash: 'x', role: 'OWNER' },
  });
  const identity: Identity = { kind: 'staff', subjectId: owner.id, organizationId: org.id, role: 'OWNER', platformAdmin: false };
  return { org, owner, identity };
}

async function invite(identity: Identity, email: string, role = 'MANAGER', on = url) {
  const response = await call(INVITE, { input: { email, role } }, identity, on);
  expect(response.errors).toBeUndefined();
  return response.data!.inviteStaff as { token: string | null; invitation: { id: string; expiresAt: string } };
}

describe('invitation emails', () => {
  it('keeps the token for the email in the invitation row and queues the email job after the commit', async () => {
    const { identity } = await organizationWithOwner();
    added.length = 0;
    const { token, invitation } = await invite(identity, 'new.manager@example.test');
    const row = await invitationRow(invitation.id);
    expect(row.pendingEmailToken).toBe(token);
    expect(row.tokenHash).toBe(sha256(token!));
    expect(row.emailSentAt).toBeNull();
    expect(added).toEqual([{ name: 'invitation-email', data: { invitationId: invitation.id }, options: { jobId: `invitation-email:${invitation.id}` } }]);
  });

  it('sends it once, with the accept link, then erases the token; the link signs the invitee up', async () => {
    const { identity } = await organizationWithOwner();
    const { token, invitation } = await invite(identity, 'Nina@Example.test');
    const email = new RecordingEmail();
    await sendInvitationEmail(prisma(), email, options, invitation.id);
    await sendInvitationEmail(prisma(), email, options, invitation.id);
    expect(email.sent).toHaveLength(1);
    const [message] = email.sent;
    const link = `https://app.waitlessq.example/invitations/accept?token=${encodeURIComponent(token!)}`;
    expect(message).toMatchObject({ to: 'nina@example.test', language: 'en', subject: 'Olga Owner invited you to Acme <Clinics> on WaitLessQ' });
    expect(message.text).toContain('as a manager');
    expect(message.text).toContain(link);
    expect(message.text).toContain(invitation.expiresAt.slice(0, 10));
    expect(message.html).toContain('Acme &lt;Clinics&gt;');
    expect(message.html).toContain(`href="${link}"`);
    const row = await invitationRow(invitation.id);
    expect(row.pendingEmailToken).toBeNull();
    expect(row.emailSentAt).not.toBeNull();

    const fromEmail = new URL(/https:\/\/\S+/.exec(message.text)![0]).searchParams.get('token')!;
    const accepted = await call(ACCEPT, { input: { token: fromEmail, name: 'Nina', password: 'nina-password-1' } }, { kind: 'anonymous' });
    expect(accepted.data!.acceptInvitation.user).toMatchObject({ email: 'nina@example.test', role: 'MANAGER' });
  });

  it('keeps the token when the mail server fails, so the retried job sends it', async () => {
    const { identity } = await organizationWithOwner();
    const { token, invitation } = await invite(identity, 'retry@example.test', 'STAFF');
    const email = new RecordingEmail();
    email.failing = true;
    await expect(sendInvitationEmail(prisma(), email, options, invitation.id)).rejects.toThrow(/451/);
    expect(await invitationRow(invitation.id)).toMatchObject({ pendingEmailToken: token, emailSentAt: null });
    email.failing = false;
    await sendInvitationEmail(prisma(), email, options, invitation.id);
    expect(email.sent.map((m) => m.to)).toEqual(['retry@example.test']);
  });

  it('uses a given template and language', async () => {
    const { identity } = await organizationWithOwner();
    const { invitation } = await invite(identity, 'de@example.test', 'VIEWER');
    const email = new RecordingEmail();
    const render = (content: { organizationName: string; inviterName: string; role: string; acceptUrl: string }) => ({
      subject: `Einladung zu ${content.organizationName}`,
      text: `${content.inviterName} lädt Sie als ${content.role} ein: ${content.acceptUrl}`,
      html: '<p>Einladung</p>',
    });
    await sendInvitationEmail(prisma(), email, { ...options, render, language: 'de' }, invitation.id);
    expect(email.sent[0]).toMatchObject({ subject: 'Einladung zu Acme <Clinics>', language: 'de' });
    expect(email.sent[0].text).toMatch(/^Olga Owner lädt Sie als VIEWER ein: https:\/\/app\.waitlessq\.example\/invitations\/accept\?token=inv_/);
  });

  it('sends nothing for an accepted or expired invitation, and erases its token', async () => {
    const { identity } = await organizationWithOwner();
    const accepted = await invite(identity, 'taken@example.test', 'STAFF');
    await call(ACCEPT, { input: { token: accepted.token, name: 'Taken', password: 'taken-password-1' } }, { kind: 'anonymous' });
    const expired = await invite(identity, 'late@example.test', 'STAFF');
    await sql.query(`UPDATE "Invitation" SET "expiresAt" = now() - interval '1 minute' WHERE "id" = $1`, [expired.invitation.id]);
    const email = new RecordingEmail();
    for (const { invitation } of [accepted, expired]) {
      await sendInvitationEmail(prisma(), email, options, invitation.id);
      expect((await invitationRow(invitation.id)).pendingEmailToken).toBeNull();
    }
    await sendInvitationEmail(prisma(), email, options, randomUUID());
    expect(email.sent).toEqual([]);
  });

  it('still invites when the queue is down; the sweep finds the invitation whose email was never queued', async () => {
    const { identity } = await organizationWithOwner();
    queueDown = true;
    let lost: { invitation: { id: string } };
    try {
      lost = await invite(identity, 'lost@example.test', 'STAFF');
    } finally {
      queueDown = false;
    }
    const sent = await invite(identity, 'sent@example.test', 'STAFF');
    await sendInvitationEmail(prisma(), new RecordingEmail(), options, sent.invitation.id);
    const fresh = await invite(identity, 'fresh@example.test', 'STAFF');
    await sql.query(`UPDATE "Invitation" SET "createdAt" = now() - interval '10 minutes' WHERE "id" = ANY($1::uuid[])`, [
      [lost.invitation.id, sent.invitation.id],
    ]);

    const pending = await pendingInvitationIds(prisma(), 5 * 60_000);
    expect(pending).toContain(lost.invitation.id);
    expect(pending).not.toContain(sent.invitation.id);
    expect(pending).not.toContain(fresh.invitation.id);
    expect(await pendingInvitationIds(prisma(), 0)).toContain(fresh.invitation.id);
  });

  it('never shows the token in the API answer in production', async () => {
    const { identity } = await organizationWithOwner();
    const answer = await invite(identity, 'prod@example.test', 'STAFF', productionUrl);
    expect(answer.token).toBeNull();
    const row = await invitationRow(answer.invitation.id);
    expect(row.pendingEmailToken).toMatch(/^inv_/);
  });
});
