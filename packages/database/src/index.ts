export { createDatabase } from './create-database';
export type { Database } from './create-database';
export { applyMigrations, migrationsDir } from './embedded-migrations';
export { PrismaClient, Prisma } from './generated/prisma/client';
export type * from './generated/prisma/client';
export { isUniqueViolation } from './prisma-errors';
