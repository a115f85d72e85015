import { loadConfig } from '@waitlessq/config';
import type { Logger } from '@waitlessq/observability';
import { createTestDatabase, type TestDatabase } from '@waitlessq/testkit';
import { createDatabase, isDatabaseBusy, type Database } from './index';

const quiet = { warn: () => undefined, info: () => undefined, error: () => undefined, debug: () => undefined } as unknown as Logger;

let testDb: TestDatabase;
let db: Database;

beforeAll(async () => {
  testDb = await createTestDatabase();
  // One connection, and a short wait for it: a second request while it is held runs out of time.
  const config = loadConfig('queue', {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: testDb.url,
    DATABASE_POOL_SIZE: '1',
    DATABASE_CONNECT_TIMEOUT_MS: '200',
  });
  db = await createDatabase(config.database, quiet);
});

afterAll(async () => {
  await db?.close();
  await testDb?.drop();
});

describe('isDatabaseBusy', () => {
  it('recognizes a request that found no free connection in time, and nothing else', async () => {
    let inside: () => void = () => undefined;
    const holds = new Promise<void>((resolve) => (inside = resolve));
    const holding = db.primary.$transaction(async (tx) => {
      inside();
      await tx.$executeRaw`SELECT pg_sleep(1)`;
    });
    await holds;
    const waiting = await db.primary.$queryRaw`SELECT 1`.then(
      () => null,
      (error: unknown) => error,
    );
    await holding;
    expect(waiting).toBeInstanceOf(Error);
    expect(isDatabaseBusy(waiting)).toBe(true);

    const failing = await db.primary.$queryRaw`SELECT * FROM "NoSuchTable"`.then(
      () => null,
      (error: unknown) => error,
    );
    expect(failing).toBeInstanceOf(Error);
    expect(isDatabaseBusy(failing)).toBe(false);
  });
});
