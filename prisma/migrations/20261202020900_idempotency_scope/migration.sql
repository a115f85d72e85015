-- Who first used an idempotency key, with what input (hashed together); rows from before have none,
-- and their keys are refused on reuse (a key only ever served retries of moments ago).
-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "idempotencyFingerprint" TEXT;

-- AlterTable
ALTER TABLE "Business" ADD COLUMN     "idempotencyFingerprint" TEXT;

-- AlterTable
ALTER TABLE "Customer" ADD COLUMN     "idempotencyFingerprint" TEXT;

-- AlterTable
ALTER TABLE "Invitation" ADD COLUMN     "idempotencyFingerprint" TEXT;

-- AlterTable
ALTER TABLE "Queue" ADD COLUMN     "idempotencyFingerprint" TEXT;

-- AlterTable
ALTER TABLE "Service" ADD COLUMN     "idempotencyFingerprint" TEXT;

-- AlterTable
ALTER TABLE "StandbyEntry" ADD COLUMN     "idempotencyFingerprint" TEXT;

-- AlterTable
ALTER TABLE "Visit" ADD COLUMN     "idempotencyFingerprint" TEXT;
