-- CreateEnum
CREATE TYPE "Plan" AS ENUM ('BASIC', 'PRO', 'ENTERPRISE');

-- CreateEnum
CREATE TYPE "AvailabilityExceptionKind" AS ENUM ('CLOSED', 'HOLIDAY', 'SPECIAL_HOURS');

-- CreateEnum
CREATE TYPE "PwaBuildStatus" AS ENUM ('BUILDING', 'PUBLISHED', 'FAILED');

-- CreateEnum
CREATE TYPE "QueueStatus" AS ENUM ('OPEN', 'PAUSED', 'CLOSED');

-- CreateEnum
CREATE TYPE "VisitStatus" AS ENUM ('BOOKED', 'WAITING', 'CALLED', 'SERVING', 'DONE', 'NO_SHOW', 'CANCELLED');

-- CreateEnum
CREATE TYPE "VisitKind" AS ENUM ('WALK_IN', 'APPOINTMENT');

-- CreateEnum
CREATE TYPE "VisitSource" AS ENUM ('PWA', 'KIOSK', 'STAFF', 'PARTNER');

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('OWNER', 'ADMIN', 'MANAGER', 'STAFF', 'VIEWER');

-- CreateEnum
CREATE TYPE "SubjectKind" AS ENUM ('STAFF', 'CUSTOMER');

-- CreateTable
CREATE TABLE "Organization" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "plan" "Plan" NOT NULL DEFAULT 'BASIC',
    "settings" JSONB NOT NULL DEFAULT '{}',
    "brandingLogoUrl" TEXT,
    "brandingPrimaryColor" TEXT,
    "brandingAccentColor" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Organization_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Business" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "description" TEXT,
    "category" TEXT,
    "phone" TEXT,
    "email" TEXT,
    "website" TEXT,
    "addressLine1" TEXT,
    "addressLine2" TEXT,
    "city" TEXT,
    "postalCode" TEXT,
    "region" TEXT,
    "country" TEXT,
    "timezone" TEXT NOT NULL,
    "acceptsWalkIns" BOOLEAN NOT NULL DEFAULT true,
    "queueCapacity" INTEGER,
    "idempotencyKey" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Business_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OpeningHours" (
    "id" UUID NOT NULL,
    "businessId" UUID NOT NULL,
    "weekday" SMALLINT NOT NULL,
    "opensAt" SMALLINT NOT NULL,
    "closesAt" SMALLINT NOT NULL,

    CONSTRAINT "OpeningHours_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AvailabilityRule" (
    "id" UUID NOT NULL,
    "businessId" UUID NOT NULL,
    "serviceId" UUID,
    "staffUserId" UUID,
    "weekday" SMALLINT NOT NULL,
    "startsAt" SMALLINT NOT NULL,
    "endsAt" SMALLINT NOT NULL,
    "validFrom" DATE,
    "validUntil" DATE,

    CONSTRAINT "AvailabilityRule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AvailabilityException" (
    "id" UUID NOT NULL,
    "businessId" UUID NOT NULL,
    "date" DATE NOT NULL,
    "kind" "AvailabilityExceptionKind" NOT NULL,
    "opensAt" SMALLINT,
    "closesAt" SMALLINT,
    "reason" TEXT,

    CONSTRAINT "AvailabilityException_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BookingPolicy" (
    "businessId" UUID NOT NULL,
    "slotMinutes" SMALLINT NOT NULL DEFAULT 15,
    "bufferBeforeMinutes" SMALLINT NOT NULL DEFAULT 0,
    "bufferAfterMinutes" SMALLINT NOT NULL DEFAULT 0,
    "minNoticeMinutes" INTEGER NOT NULL DEFAULT 60,
    "maxAdvanceDays" SMALLINT NOT NULL DEFAULT 60,
    "maxBookingsPerDay" INTEGER,
    "approvalRequired" BOOLEAN NOT NULL DEFAULT false,
    "cancellationWindowMinutes" INTEGER NOT NULL DEFAULT 120,

    CONSTRAINT "BookingPolicy_pkey" PRIMARY KEY ("businessId")
);

-- CreateTable
CREATE TABLE "Service" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "businessId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "category" TEXT,
    "description" TEXT,
    "durationMinutes" SMALLINT NOT NULL,
    "priceCents" INTEGER,
    "currency" CHAR(3) NOT NULL DEFAULT 'EUR',
    "bookableOnline" BOOLEAN NOT NULL DEFAULT true,
    "bufferBeforeMinutes" SMALLINT NOT NULL DEFAULT 0,
    "bufferAfterMinutes" SMALLINT NOT NULL DEFAULT 0,
    "preparation" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "idempotencyKey" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Service_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PwaConfig" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "businessId" UUID NOT NULL,
    "appName" TEXT NOT NULL,
    "shortName" VARCHAR(12) NOT NULL,
    "description" TEXT,
    "themeColor" TEXT NOT NULL DEFAULT '#0f766e',
    "backgroundColor" TEXT NOT NULL DEFAULT '#ffffff',
    "accentColor" TEXT NOT NULL DEFAULT '#f59e0b',
    "statusColors" JSONB NOT NULL DEFAULT '{}',
    "typography" JSONB NOT NULL DEFAULT '{}',
    "layoutStyle" TEXT NOT NULL DEFAULT 'cards',
    "logoUrl" TEXT,
    "iconUrl" TEXT,
    "welcomeMessage" TEXT,
    "contactEmail" TEXT,
    "contactPhone" TEXT,
    "privacyUrl" TEXT,
    "termsUrl" TEXT,
    "features" JSONB NOT NULL DEFAULT '{"joinQueue":true,"appointments":false,"visitHistory":true,"notifications":true,"offline":true}',
    "languages" TEXT[] DEFAULT ARRAY['en']::TEXT[],
    "defaultLanguage" TEXT NOT NULL DEFAULT 'en',
    "rightToLeft" BOOLEAN NOT NULL DEFAULT false,
    "push" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PwaConfig_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PwaBuild" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "businessId" UUID NOT NULL,
    "configId" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "status" "PwaBuildStatus" NOT NULL,
    "files" JSONB NOT NULL DEFAULT '[]',
    "url" TEXT,
    "manifestUrl" TEXT,
    "durationMs" INTEGER,
    "error" TEXT,
    "createdById" UUID,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "PwaBuild_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Queue" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "businessId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "status" "QueueStatus" NOT NULL DEFAULT 'OPEN',
    "capacity" INTEGER,
    "countersOpen" SMALLINT NOT NULL DEFAULT 1,
    "ticketPrefix" VARCHAR(3) NOT NULL DEFAULT 'A',
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "serviceIds" UUID[],
    "idempotencyKey" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Queue_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Visit" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "queueId" UUID NOT NULL,
    "businessId" UUID NOT NULL,
    "serviceId" UUID,
    "customerId" UUID,
    "customerName" TEXT NOT NULL,
    "customerPhone" TEXT,
    "partySize" SMALLINT NOT NULL DEFAULT 1,
    "kind" "VisitKind" NOT NULL DEFAULT 'WALK_IN',
    "source" "VisitSource" NOT NULL DEFAULT 'PWA',
    "status" "VisitStatus" NOT NULL,
    "priority" SMALLINT NOT NULL DEFAULT 0,
    "ticketDay" DATE,
    "ticketNumber" INTEGER,
    "ticket" TEXT,
    "scheduledAt" TIMESTAMP(3),
    "customerNotes" TEXT,
    "internalNotes" TEXT,
    "counter" TEXT,
    "expectedServiceMinutes" SMALLINT,
    "visitTokenHash" TEXT,
    "idempotencyKey" TEXT,
    "joinedAt" TIMESTAMP(3),
    "calledAt" TIMESTAMP(3),
    "servedAt" TIMESTAMP(3),
    "doneAt" TIMESTAMP(3),
    "cancelledAt" TIMESTAMP(3),
    "noShowAt" TIMESTAMP(3),
    "firstEstimateMinutes" INTEGER,
    "latestEstimateMinutes" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Visit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "VisitEvent" (
    "id" UUID NOT NULL,
    "visitId" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "queueId" UUID NOT NULL,
    "fromStatus" "VisitStatus",
    "toStatus" "VisitStatus" NOT NULL,
    "actorId" UUID,
    "actorKind" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "VisitEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TicketCounter" (
    "queueId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "lastNumber" INTEGER NOT NULL,

    CONSTRAINT "TicketCounter_pkey" PRIMARY KEY ("queueId","day")
);

-- CreateTable
CREATE TABLE "ServiceTimeStat" (
    "businessId" UUID NOT NULL,
    "serviceKey" TEXT NOT NULL,
    "averageSeconds" DOUBLE PRECISION NOT NULL,
    "samples" INTEGER NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ServiceTimeStat_pkey" PRIMARY KEY ("businessId","serviceKey")
);

-- CreateTable
CREATE TABLE "User" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "isPlatformAdmin" BOOLEAN NOT NULL DEFAULT false,
    "lastSignInAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Customer" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT,
    "phone" TEXT,
    "passwordHash" TEXT,
    "idempotencyKey" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Customer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Invitation" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "invitedById" UUID NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "acceptedAt" TIMESTAMP(3),
    "idempotencyKey" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Invitation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RefreshSession" (
    "id" UUID NOT NULL,
    "familyId" UUID NOT NULL,
    "subjectKind" "SubjectKind" NOT NULL,
    "subjectId" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "replacedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "userAgent" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RefreshSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "keyHash" TEXT NOT NULL,
    "createdById" UUID NOT NULL,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "idempotencyKey" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Organization_slug_key" ON "Organization"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "Business_slug_key" ON "Business"("slug");

-- CreateIndex
CREATE INDEX "Business_organizationId_createdAt_idx" ON "Business"("organizationId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Business_organizationId_idempotencyKey_key" ON "Business"("organizationId", "idempotencyKey");

-- CreateIndex
CREATE INDEX "OpeningHours_businessId_weekday_idx" ON "OpeningHours"("businessId", "weekday");

-- CreateIndex
CREATE INDEX "AvailabilityRule_businessId_weekday_idx" ON "AvailabilityRule"("businessId", "weekday");

-- CreateIndex
CREATE UNIQUE INDEX "AvailabilityException_businessId_date_key" ON "AvailabilityException"("businessId", "date");

-- CreateIndex
CREATE INDEX "Service_businessId_name_idx" ON "Service"("businessId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Service_organizationId_idempotencyKey_key" ON "Service"("organizationId", "idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "PwaConfig_businessId_key" ON "PwaConfig"("businessId");

-- CreateIndex
CREATE INDEX "PwaConfig_organizationId_idx" ON "PwaConfig"("organizationId");

-- CreateIndex
CREATE UNIQUE INDEX "PwaBuild_businessId_version_key" ON "PwaBuild"("businessId", "version");

-- CreateIndex
CREATE INDEX "Queue_businessId_idx" ON "Queue"("businessId");

-- CreateIndex
CREATE INDEX "Queue_organizationId_createdAt_idx" ON "Queue"("organizationId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Queue_organizationId_idempotencyKey_key" ON "Queue"("organizationId", "idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "Visit_visitTokenHash_key" ON "Visit"("visitTokenHash");

-- CreateIndex
CREATE INDEX "Visit_queueId_status_priority_joinedAt_ticketNumber_idx" ON "Visit"("queueId", "status", "priority" DESC, "joinedAt", "ticketNumber");

-- CreateIndex
CREATE INDEX "Visit_customerId_createdAt_idx" ON "Visit"("customerId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "Visit_organizationId_createdAt_idx" ON "Visit"("organizationId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Visit_queueId_ticketDay_ticketNumber_key" ON "Visit"("queueId", "ticketDay", "ticketNumber");

-- CreateIndex
CREATE UNIQUE INDEX "Visit_queueId_idempotencyKey_key" ON "Visit"("queueId", "idempotencyKey");

-- CreateIndex
CREATE INDEX "VisitEvent_visitId_at_idx" ON "VisitEvent"("visitId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE INDEX "User_organizationId_role_idx" ON "User"("organizationId", "role");

-- CreateIndex
CREATE INDEX "Customer_organizationId_phone_idx" ON "Customer"("organizationId", "phone");

-- CreateIndex
CREATE UNIQUE INDEX "Customer_organizationId_email_key" ON "Customer"("organizationId", "email");

-- CreateIndex
CREATE UNIQUE INDEX "Customer_organizationId_idempotencyKey_key" ON "Customer"("organizationId", "idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "Invitation_tokenHash_key" ON "Invitation"("tokenHash");

-- CreateIndex
CREATE INDEX "Invitation_organizationId_email_idx" ON "Invitation"("organizationId", "email");

-- CreateIndex
CREATE UNIQUE INDEX "Invitation_organizationId_idempotencyKey_key" ON "Invitation"("organizationId", "idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "RefreshSession_tokenHash_key" ON "RefreshSession"("tokenHash");

-- CreateIndex
CREATE INDEX "RefreshSession_familyId_idx" ON "RefreshSession"("familyId");

-- CreateIndex
CREATE INDEX "RefreshSession_subjectId_idx" ON "RefreshSession"("subjectId");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_keyHash_key" ON "ApiKey"("keyHash");

-- CreateIndex
CREATE INDEX "ApiKey_organizationId_createdAt_idx" ON "ApiKey"("organizationId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_organizationId_idempotencyKey_key" ON "ApiKey"("organizationId", "idempotencyKey");

-- AddForeignKey
ALTER TABLE "Business" ADD CONSTRAINT "Business_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OpeningHours" ADD CONSTRAINT "OpeningHours_businessId_fkey" FOREIGN KEY ("businessId") REFERENCES "Business"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AvailabilityRule" ADD CONSTRAINT "AvailabilityRule_businessId_fkey" FOREIGN KEY ("businessId") REFERENCES "Business"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AvailabilityRule" ADD CONSTRAINT "AvailabilityRule_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "Service"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AvailabilityException" ADD CONSTRAINT "AvailabilityException_businessId_fkey" FOREIGN KEY ("businessId") REFERENCES "Business"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BookingPolicy" ADD CONSTRAINT "BookingPolicy_businessId_fkey" FOREIGN KEY ("businessId") REFERENCES "Business"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Service" ADD CONSTRAINT "Service_businessId_fkey" FOREIGN KEY ("businessId") REFERENCES "Business"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PwaBuild" ADD CONSTRAINT "PwaBuild_configId_fkey" FOREIGN KEY ("configId") REFERENCES "PwaConfig"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Visit" ADD CONSTRAINT "Visit_queueId_fkey" FOREIGN KEY ("queueId") REFERENCES "Queue"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VisitEvent" ADD CONSTRAINT "VisitEvent_visitId_fkey" FOREIGN KEY ("visitId") REFERENCES "Visit"("id") ON DELETE CASCADE ON UPDATE CASCADE;
