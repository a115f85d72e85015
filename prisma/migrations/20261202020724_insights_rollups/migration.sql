-- AlterTable
ALTER TABLE "Visit" ADD COLUMN     "rolledUpAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "InsightsRollup" (
    "businessId" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "queueId" UUID NOT NULL,
    "serviceId" UUID NOT NULL,
    "staffId" UUID NOT NULL,
    "hourStart" TIMESTAMP(3) NOT NULL,
    "joined" INTEGER NOT NULL DEFAULT 0,
    "served" INTEGER NOT NULL DEFAULT 0,
    "noShows" INTEGER NOT NULL DEFAULT 0,
    "cancelled" INTEGER NOT NULL DEFAULT 0,
    "abandoned" INTEGER NOT NULL DEFAULT 0,
    "waitHistogram" INTEGER[],
    "serviceHistogram" INTEGER[],
    "etaSamples" INTEGER NOT NULL DEFAULT 0,
    "etaAbsSeconds" BIGINT NOT NULL DEFAULT 0,
    "etaSignedSeconds" BIGINT NOT NULL DEFAULT 0,
    "etaLatestSamples" INTEGER NOT NULL DEFAULT 0,
    "etaLatestAbsSeconds" BIGINT NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InsightsRollup_pkey" PRIMARY KEY ("businessId","hourStart","queueId","serviceId","staffId")
);

-- CreateIndex
CREATE INDEX "Visit_rolledUpAt_status_idx" ON "Visit"("rolledUpAt", "status");
