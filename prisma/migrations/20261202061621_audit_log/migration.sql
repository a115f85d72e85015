-- AlterTable
ALTER TABLE "VisitEvent" ADD COLUMN     "requestId" TEXT;

-- CreateTable
CREATE TABLE "AuditEntry" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "actorId" UUID,
    "actorKind" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "targetType" TEXT NOT NULL,
    "targetId" TEXT,
    "detail" JSONB,
    "requestId" TEXT,
    "sourceId" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEntry_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AuditEntry_sourceId_key" ON "AuditEntry"("sourceId");

-- CreateIndex
CREATE INDEX "AuditEntry_organizationId_at_idx" ON "AuditEntry"("organizationId", "at");

-- CreateIndex
CREATE INDEX "AuditEntry_organizationId_actorId_at_idx" ON "AuditEntry"("organizationId", "actorId", "at");

-- CreateIndex
CREATE INDEX "VisitEvent_organizationId_at_idx" ON "VisitEvent"("organizationId", "at");
