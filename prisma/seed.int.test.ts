import { createPasswordHasher } from '@waitlessq/auth';
import { loadConfig } from '@waitlessq/config';
import { createDatabase, type Database } from '@waitlessq/database';
import { createLogger } from '@waitlessq/observability';
import { createTestDatabase, type TestDatabase } from '@waitlessq/testkit';
import { demoCredentials, seedDemo, type DemoData } from './seed';

describe('seedDemo', () => {
  const passwordHasher = createPasswordHasher({ memoryKib: 1024 });
  let testDb: TestDatabase;
  let db: Database;
  let first: DemoData | null;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    const config = loadConfig('user', { NODE_ENV: 'test', DATABASE_URL: testDb.url, LOG_LEVEL: 'silent' });
    db = await createDatabase(config.database, createLogger('seed-test', 'silent'));
    first = await seedDemo(db.prisma, { passwordHasher });
  });

  afterAll(async () => {
    await db?.close();
    await testDb?.drop();
  });

  it('writes the demo once: a second run writes nothing', async () => {
    expect(first).not.toBeNull();
    const counts = async () => ({
      organizations: await db.prisma.organization.count(),
      businesses: await db.prisma.business.count(),
      services: await db.prisma.service.count(),
      users: await db.prisma.user.count(),
      customers: await db.prisma.customer.count(),
      queues: await db.prisma.queue.count(),
      visits: await db.prisma.visit.count(),
      events: await db.prisma.visitEvent.count(),
      pwaConfigs: await db.prisma.pwaConfig.count(),
    });
    const afterFirst = await counts();
    expect(first?.tickets).toEqual(['A-001', 'A-002', 'A-003', 'A-004', 'A-005']);
    expect(afterFirst).toEqual({ organizations: 1, businesses: 2, services: 5, users: 2, customers: 1, queues: 1, visits: 5, events: 5, pwaConfigs: 1 });

    await expect(seedDemo(db.prisma, { passwordHasher })).resolves.toBeNull();
    expect(await counts()).toEqual(afterFirst);
  });

  it('lets the owner sign in with the demo password (argon2id)', async () => {
    const owner = await db.prisma.user.findUniqueOrThrow({ where: { email: demoCredentials.ownerEmail } });
    expect(owner.role).toBe('OWNER');
    expect(owner.passwordHash).toMatch(/^\$argon2id\$/);
    await expect(passwordHasher.verify(owner.passwordHash, demoCredentials.password)).resolves.toBe(true);
    await expect(passwordHasher.verify(owner.passwordHash, 'wrong-password')).resolves.toBe(false);
    const staff = await db.prisma.user.findUniqueOrThrow({ where: { email: demoCredentials.staffEmail } });
    expect(staff).toMatchObject({ role: 'STAFF', organizationId: owner.organizationId });
  });

  it('opens the Walk-ins queue at Riverside with five waiting visits, A-001 to A-005, for today', async () => {
    const organization = await db.prisma.organization.findUniqueOrThrow({ where: { slug: 'demo' } });
    expect(organization).toMatchObject({ name: 'Demo Health', plan: 'PRO' });
    const clinic = await db.prisma.business.findUniqueOrThrow({ where: { slug: 'riverside-clinic' }, include: { openingHours: true } });
    expect(clinic).toMatchObject({ organizationId: organization.id, timezone: 'Europe/Berlin' });
    expect(clinic.openingHours).toHaveLength(10);

    const queue = await db.prisma.queue.findFirstOrThrow({ where: { businessId: clinic.id } });
    expect(queue).toMatchObject({ name: 'Walk-ins', status: 'OPEN', ticketPrefix: 'A', capacity: 50, timezone: 'Europe/Berlin' });
    const visits = await db.prisma.visit.findMany({ where: { queueId: queue.id }, orderBy: { ticketNumber: 'asc' }, include: { history: true } });
    expect(visits.map((v) => v.ticket)).toEqual(['A-001', 'A-002', 'A-003', 'A-004', 'A-005']);
    expect(visits.every((v) => v.status === 'WAITING' && v.organizationId === organization.id && v.history.length === 1)).toBe(true);

    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date());
    expect(visits.every((v) => v.ticketDay?.toISOString().slice(0, 10) === today)).toBe(true);
    const counter = await db.prisma.ticketCounter.findUniqueOrThrow({ where: { queueId_day: { queueId: queue.id, day: visits[0].ticketDay! } } });
    expect(counter.lastNumber).toBe(5);
    // The line is in ticket order: each visit joined after the one before it.
    const joined = visits.map((v) => v.joinedAt!.getTime());
    expect([...joined].sort((a, b) => a - b)).toEqual(joined);

    await expect(db.prisma.pwaConfig.findUnique({ where: { businessId: clinic.id } })).resolves.toMatchObject({ appName: 'Riverside Clinic' });
  });
});
