import type { PasswordHasher } from '@waitlessq/auth';
import { isUniqueViolation, type Prisma, type PrismaClient } from '@waitlessq/database';
import { dayAsDate, formatTicket, localDay } from '@waitlessq/queue-subgraph';

/** How to sign in to the demo (printed by the all-in-one start; the password is public). */
export const demoCredentials = {
  organizationSlug: 'demo',
  ownerEmail: 'owner@demo.waitlessq.dev',
  staffEmail: 'staff@demo.waitlessq.dev',
  customerEmail: 'customer@demo.waitlessq.dev',
  password: 'demo-password-1',
} as const;

export interface SeedDemoOptions {
  passwordHasher: PasswordHasher;
  /** The moment the demo's visits joined the line; now by default. */
  now?: Date;
}

export interface DemoData {
  organizationId: string;
  businesses: { riversideId: string; hilltopId: string };
  serviceIds: string[];
  ownerId: string;
  staffId: string;
  customerId: string;
  queueId: string;
  visitIds: string[];
  tickets: string[];
}

const minutes = (hh: number, mm = 0) => hh * 60 + mm;
const weekdays = [0, 1, 2, 3, 4]; // Monday to Friday (ISO order, 0 = Monday)

const riverside = {
  name: 'Riverside Clinic',
  slug: 'riverside-clinic',
  timezone: 'Europe/Berlin',
  description: 'A family practice by the river: walk-ins welcome in the mornings and afternoons.',
  category: 'clinic',
  city: 'Berlin',
  country: 'DE',
  services: [
    { name: 'General consultation', durationMinutes: 15, priceCents: 0, category: 'consultation' },
    { name: 'Vaccination', durationMinutes: 10, priceCents: 2500, category: 'prevention' },
    { name: 'Blood test', durationMinutes: 10, priceCents: 1800, category: 'laboratory' },
  ],
  // A lunch break between the two intervals of each day.
  hours: weekdays.flatMap((weekday) => [
    { weekday, opensAt: minutes(8), closesAt: minutes(12) },
    { weekday, opensAt: minutes(13), closesAt: minutes(18) },
  ]),
};

const hilltop = {
  name: 'Hilltop Salon',
  slug: 'hilltop-salon',
  timezone: 'Europe/London',
  description: 'Cuts and colour on the hill. Book ahead or drop by.',
  category: 'salon',
  city: 'London',
  country: 'GB',
  services: [
    { name: 'Haircut', durationMinutes: 30, priceCents: 3500, category: 'hair' },
    { name: 'Colour', durationMinutes: 90, priceCents: 8500, category: 'hair' },
  ],
  hours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, opensAt: minutes(9), closesAt: minutes(17, 30) })),
};

const waitingCustomers = ['Ada Brook', 'Ben Carter', 'Chloe Dunn', 'Dev Patel', 'Casey Customer'];

/**
 * The demo organization: two businesses, their services, an owner, a staff member, a customer
 * with an account and a queue with five people waiting. Written in one transaction and only
 * when the `demo` organization does not exist, so it is safe to run at every start. Returns
 * what it created, or null when the demo was there already.
 */
export async function seedDemo(prisma: PrismaClient, options: SeedDemoOptions): Promise<DemoData | null> {
  if (await prisma.organization.findUnique({ where: { slug: demoCredentials.organizationSlug }, select: { id: true } })) return null;
  // Hashing is slow on purpose: done before the transaction, so no row lock waits on it.
  const passwordHash = await options.passwordHasher.hash(demoCredentials.password);
  const now = options.now ?? new Date();
  try {
    return await prisma.$transaction((tx) => writeDemo(tx, passwordHash, now), { timeout: 30_000 });
  } catch (error) {
    // Another process seeded between our check and our write: the demo exists, as wanted.
    if (isUniqueViolation(error)) return null;
    throw error;
  }
}

async function writeDemo(tx: Prisma.TransactionClient, passwordHash: string, now: Date): Promise<DemoData> {
  const organization = await tx.organization.create({
    data: {
      name: 'Demo Health',
      slug: demoCredentials.organizationSlug,
      plan: 'PRO',
      settings: { timezone: 'Europe/Berlin', language: 'en', dateFormat: 'yyyy-MM-dd', notificationChannels: ['email'], dataRetentionDays: 365 },
      brandingPrimaryColor: '#0f766e',
      brandingAccentColor: '#f59e0b',
    },
  });
  const organizationId = organization.id;
  const created = [];
  for (const business of [riverside, hilltop]) {
    const { services, hours, ...profile } = business;
    created.push(
      await tx.business.create({
        data: {
          ...profile,
          organizationId,
          queueCapacity: 50,
          services: { create: services.map((service) => ({ ...service, organizationId })) },
          openingHours: { create: hours },
          bookingPolicy: { create: {} },
        },
        include: { services: { orderBy: { name: 'asc' } } },
      }),
    );
  }
  const [clinic, salon] = created;

  const owner = await tx.user.create({
    data: { organizationId, email: demoCredentials.ownerEmail, name: 'Olivia Owner', passwordHash, role: 'OWNER' },
  });
  const staff = await tx.user.create({
    data: { organizationId, email: demoCredentials.staffEmail, name: 'Sam Staff', passwordHash, role: 'STAFF' },
  });
  const customer = await tx.customer.create({
    data: { organizationId, name: 'Casey Customer', email: demoCredentials.customerEmail, phone: '+49 30 1234567', passwordHash },
  });

  const consultation = clinic.services.find((service) => service.name === 'General consultation')!;
  const queue = await tx.queue.create({
    data: {
      organizationId,
      businessId: clinic.id,
      name: 'Walk-ins',
      status: 'OPEN',
      capacity: 50,
      countersOpen: 1,
      ticketPrefix: 'A',
      timezone: clinic.timezone,
    },
  });
  const ticketDay = dayAsDate(localDay(now, clinic.timezone));
  const visits = [];
  for (const [index, customerName] of waitingCustomers.entries()) {
    const number = index + 1;
    // Joined four minutes apart, the first one earliest, so the line reads.
    const joinedAt = new Date(now.getTime() - (waitingCustomers.length - index) * 4 * 60_000);
    const estimate = index * consultation.durationMinutes;
    visits.push(
      await tx.visit.create({
        data: {
          organizationId,
          queueId: queue.id,
          businessId: clinic.id,
          serviceId: consultation.id,
          customerId: customerName === customer.name ? customer.id : null,
          customerName,
          kind: 'WALK_IN',
          source: index % 2 === 0 ? 'PWA' : 'STAFF',
          status: 'WAITING',
          ticketDay,
          ticketNumber: number,
          ticket: formatTicket(queue.ticketPrefix, number),
          expectedServiceMinutes: consultation.durationMinutes,
          joinedAt,
          firstEstimateMinutes: estimate,
          latestEstimateMinutes: estimate,
          history: { create: { organizationId, queueId: queue.id, fromStatus: null, toStatus: 'WAITING', actorKind: 'seed', at: joinedAt } },
        },
      }),
    );
  }
  await tx.ticketCounter.create({ data: { queueId: queue.id, day: ticketDay, lastNumber: visits.length } });

  await tx.pwaConfig.create({
    data: {
      organizationId,
      businessId: clinic.id,
      appName: 'Riverside Clinic',
      shortName: 'Riverside',
      description: 'Join the line at Riverside Clinic from your phone.',
      welcomeMessage: 'Welcome! Take a ticket and we will tell you when it is your turn.',
      contactEmail: 'hello@riverside.example',
      contactPhone: '+49 30 7654321',
      statusColors: { waiting: '#2563eb', called: '#f59e0b', serving: '#16a34a', done: '#6b7280', cancelled: '#dc2626' },
      typography: { fontFamily: 'system-ui', baseSize: 16, headingWeight: 600 },
      languages: ['en', 'de'],
      defaultLanguage: 'en',
      push: { reminderMinutesBefore: 15, quietHoursStart: '21:00', quietHoursEnd: '07:00' },
    },
  });

  return {
    organizationId,
    businesses: { riversideId: clinic.id, hilltopId: salon.id },
    serviceIds: created.flatMap((business) => business.services.map((service) => service.id)),
    ownerId: owner.id,
    staffId: staff.id,
    customerId: customer.id,
    queueId: queue.id,
    visitIds: visits.map((visit) => visit.id),
    tickets: visits.map((visit) => visit.ticket!),
  };
}
