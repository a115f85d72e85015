-- CreateEnum
CREATE TYPE "StandbyStatus" AS ENUM ('WAITING', 'OFFERED', 'BOOKED', 'CANCELLED', 'EXPIRED');

-- CreateEnum
CREATE TYPE "StandbyOfferStatus" AS ENUM ('OPEN', 'ACCEPTED', 'EXPIRED', 'TAKEN');

-- AlterEnum
ALTER TYPE "VisitStatus" ADD VALUE 'PENDING';

-- DropIndex
DROP INDEX "Visit_queueId_status_priority_joinedAt_ticketNumber_idx";

-- AlterTable
ALTER TABLE "BookingPolicy" ADD COLUMN     "noShowGraceMinutes" SMALLINT NOT NULL DEFAULT 15,
ADD COLUMN     "spotsPerSlot" SMALLINT NOT NULL DEFAULT 1,
ADD COLUMN     "standbyOfferMinutes" SMALLINT NOT NULL DEFAULT 30;

-- AlterTable
ALTER TABLE "Visit" ADD COLUMN     "approvedAt" TIMESTAMP(3),
ADD COLUMN     "blockedFrom" TIMESTAMP(3),
ADD COLUMN     "blockedUntil" TIMESTAMP(3),
ADD COLUMN     "bookedAt" TIMESTAMP(3),
ADD COLUMN     "bookingDay" DATE,
ADD COLUMN     "calledById" UUID,
ADD COLUMN     "cancellableUntil" TIMESTAMP(3),
ADD COLUMN     "checkInDeadline" TIMESTAMP(3),
ADD COLUMN     "checkedInAt" TIMESTAMP(3),
ADD COLUMN     "customerEmail" TEXT,
ADD COLUMN     "dayCapacity" INTEGER,
ADD COLUMN     "lineAt" TIMESTAMP(3),
ADD COLUMN     "recallCount" SMALLINT NOT NULL DEFAULT 0,
ADD COLUMN     "scheduledEndAt" TIMESTAMP(3),
ADD COLUMN     "slotCapacity" SMALLINT,
ADD COLUMN     "waitSeconds" INTEGER;

-- AlterTable
ALTER TABLE "VisitEvent" ADD COLUMN     "action" TEXT,
ADD COLUMN     "detail" JSONB;

-- CreateTable
CREATE TABLE "StandbyEntry" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "businessId" UUID NOT NULL,
    "serviceId" UUID NOT NULL,
    "queueId" UUID NOT NULL,
    "customerId" UUID,
    "customerName" TEXT NOT NULL,
    "customerPhone" TEXT,
    "customerEmail" TEXT,
    "fromDay" DATE NOT NULL,
    "untilDay" DATE NOT NULL,
    "status" "StandbyStatus" NOT NULL DEFAULT 'WAITING',
    "tokenHash" TEXT NOT NULL,
    "visitId" UUID,
    "idempotencyKey" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "StandbyEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StandbyOffer" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "entryId" UUID NOT NULL,
    "serviceId" UUID NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "status" "StandbyOfferStatus" NOT NULL DEFAULT 'OPEN',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StandbyOffer_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "StandbyEntry_tokenHash_key" ON "StandbyEntry"("tokenHash");

-- CreateIndex
CREATE INDEX "StandbyEntry_businessId_serviceId_status_createdAt_idx" ON "StandbyEntry"("businessId", "serviceId", "status", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "StandbyEntry_businessId_idempotencyKey_key" ON "StandbyEntry"("businessId", "idempotencyKey");

-- CreateIndex
CREATE INDEX "StandbyOffer_entryId_idx" ON "StandbyOffer"("entryId");

-- CreateIndex
CREATE INDEX "StandbyOffer_status_expiresAt_idx" ON "StandbyOffer"("status", "expiresAt");

-- CreateIndex
CREATE INDEX "Visit_queueId_status_priority_lineAt_ticketNumber_idx" ON "Visit"("queueId", "status", "priority" DESC, "lineAt", "ticketNumber");

-- CreateIndex
CREATE INDEX "Visit_businessId_blockedFrom_idx" ON "Visit"("businessId", "blockedFrom");

-- CreateIndex
CREATE INDEX "Visit_status_checkInDeadline_idx" ON "Visit"("status", "checkInDeadline");

-- CreateIndex
CREATE INDEX "Visit_queueId_calledAt_idx" ON "Visit"("queueId", "calledAt" DESC);

-- AddForeignKey
ALTER TABLE "StandbyOffer" ADD CONSTRAINT "StandbyOffer_entryId_fkey" FOREIGN KEY ("entryId") REFERENCES "StandbyEntry"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Walk-ins stand in the line by the time they joined (positions.ts); appointments by their rule.
UPDATE "Visit" SET "lineAt" = "joinedAt" WHERE "lineAt" IS NULL;

-- Slot capacity is enforced here, not only in code: an appointment that takes time
-- ("blockedFrom".."blockedUntil", buffers included) is refused when as many active appointments
-- of the business already overlap it as the policy allows ("slotCapacity", copied when booked),
-- or when its business-local day is full ("dayCapacity"). Bookings of one business are judged
-- one at a time under a transaction-scoped advisory lock, and each count is its own statement
-- after the lock (a volatile function takes a fresh snapshot per statement), so it sees every
-- booking committed before: of many simultaneous bookings of the last spot, exactly one wins.
-- Approving (PENDING -> BOOKED at the same time) and checking in take nothing new.
-- An appointment blocks less than a day (a service lasts at most 600 minutes, buffers at most
-- 240 each), so both counts look two days around it: the index on ("businessId",
-- "blockedFrom") then reads the neighbourhood, not the business's whole history.
CREATE FUNCTION "visit_slot_capacity"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  taken integer;
BEGIN
  IF NEW."kind" <> 'APPOINTMENT' OR NEW."blockedFrom" IS NULL OR NEW."status"::text NOT IN ('PENDING', 'BOOKED') THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD."status"::text IN ('PENDING', 'BOOKED')
     AND OLD."blockedFrom" = NEW."blockedFrom" AND OLD."blockedUntil" = NEW."blockedUntil" THEN
    RETURN NEW;
  END IF;
  -- 0x534C4F54 = 'SLOT': the namespace of these locks (two-key form).
  PERFORM pg_advisory_xact_lock(1397509972, hashtext(NEW."businessId"::text));
  SELECT count(*) INTO taken FROM "Visit" v
  WHERE v."businessId" = NEW."businessId" AND v."id" <> NEW."id" AND v."kind" = 'APPOINTMENT'
    AND v."status"::text NOT IN ('CANCELLED', 'NO_SHOW')
    AND v."blockedFrom" > NEW."blockedFrom" - interval '2 days'
    AND v."blockedFrom" < NEW."blockedUntil" AND v."blockedUntil" > NEW."blockedFrom";
  IF taken >= COALESCE(NEW."slotCapacity", 1) THEN
    RAISE EXCEPTION 'SLOT_UNAVAILABLE: no spot left at this time' USING ERRCODE = 'WQ001';
  END IF;
  IF NEW."dayCapacity" IS NOT NULL THEN
    SELECT count(*) INTO taken FROM "Visit" v
    WHERE v."businessId" = NEW."businessId" AND v."id" <> NEW."id" AND v."kind" = 'APPOINTMENT'
      AND v."blockedFrom" BETWEEN NEW."blockedFrom" - interval '2 days' AND NEW."blockedFrom" + interval '2 days'
      AND v."bookingDay" = NEW."bookingDay" AND v."status"::text NOT IN ('CANCELLED', 'NO_SHOW');
    IF taken >= NEW."dayCapacity" THEN
      RAISE EXCEPTION 'SLOT_UNAVAILABLE: the day is fully booked' USING ERRCODE = 'WQ001';
    END IF;
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER "Visit_slot_capacity"
BEFORE INSERT OR UPDATE OF "status", "blockedFrom", "blockedUntil" ON "Visit"
FOR EACH ROW EXECUTE FUNCTION "visit_slot_capacity"();
