-- CreateEnum
CREATE TYPE "NotificationChannel" AS ENUM ('EMAIL', 'PUSH', 'SMS');

-- CreateEnum
CREATE TYPE "NotificationKind" AS ENUM ('JOINED', 'GETTING_CLOSE', 'CALLED', 'RECALLED', 'APPOINTMENT_CONFIRMED', 'APPOINTMENT_REMINDER', 'APPOINTMENT_CANCELLED');

-- CreateEnum
CREATE TYPE "NotificationStatus" AS ENUM ('PENDING', 'SENT', 'DELIVERED', 'FAILED', 'SKIPPED');

-- CreateEnum
CREATE TYPE "WebhookDeliveryStatus" AS ENUM ('PENDING', 'SUCCEEDED', 'FAILED');

-- AlterTable
ALTER TABLE "BookingPolicy" ADD COLUMN     "quietHoursEnd" VARCHAR(5),
ADD COLUMN     "quietHoursStart" VARCHAR(5),
ADD COLUMN     "reminderMinutesBefore" SMALLINT NOT NULL DEFAULT 60;

-- AlterTable
ALTER TABLE "Invitation" ADD COLUMN     "emailSentAt" TIMESTAMP(3),
ADD COLUMN     "pendingEmailToken" TEXT;

-- AlterTable
ALTER TABLE "Queue" ADD COLUMN     "notifyAtPosition" SMALLINT NOT NULL DEFAULT 3;

-- AlterTable
ALTER TABLE "Visit" ADD COLUMN     "locale" VARCHAR(16),
ADD COLUMN     "remindAt" TIMESTAMP(3),
ADD COLUMN     "remindedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "OutboxEvent" (
    "id" BIGSERIAL NOT NULL,
    "organizationId" UUID NOT NULL,
    "queueId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "visitIds" UUID[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OutboxEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Notification" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "visitId" UUID NOT NULL,
    "kind" "NotificationKind" NOT NULL,
    "channel" "NotificationChannel" NOT NULL,
    "status" "NotificationStatus" NOT NULL DEFAULT 'PENDING',
    "providerMessageId" TEXT,
    "error" TEXT,
    "attempts" SMALLINT NOT NULL DEFAULT 0,
    "sentAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Notification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookEndpoint" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "description" TEXT,
    "eventTypes" TEXT[],
    "secret" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "disabledAt" TIMESTAMP(3),
    "disabledReason" TEXT,
    "consecutiveFailures" INTEGER NOT NULL DEFAULT 0,
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WebhookEndpoint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "endpointId" UUID NOT NULL,
    "eventId" TEXT NOT NULL,
    "eventType" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" "WebhookDeliveryStatus" NOT NULL DEFAULT 'PENDING',
    "attemptCount" INTEGER NOT NULL DEFAULT 0,
    "lastStatusCode" INTEGER,
    "lastError" TEXT,
    "nextAttemptAt" TIMESTAMP(3),
    "deliveredAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WebhookDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookAttempt" (
    "id" UUID NOT NULL,
    "deliveryId" UUID NOT NULL,
    "attemptedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "succeeded" BOOLEAN NOT NULL,
    "statusCode" INTEGER,
    "error" TEXT,
    "durationMs" INTEGER NOT NULL,

    CONSTRAINT "WebhookAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NotificationOptOut" (
    "organizationId" UUID NOT NULL,
    "channel" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "NotificationOptOut_pkey" PRIMARY KEY ("organizationId","channel","address")
);

-- CreateIndex
CREATE INDEX "OutboxEvent_queueId_id_idx" ON "OutboxEvent"("queueId", "id");

-- CreateIndex
CREATE INDEX "OutboxEvent_createdAt_idx" ON "OutboxEvent"("createdAt");

-- CreateIndex
CREATE INDEX "Notification_organizationId_idx" ON "Notification"("organizationId");

-- CreateIndex
CREATE INDEX "Notification_providerMessageId_idx" ON "Notification"("providerMessageId");

-- CreateIndex
CREATE UNIQUE INDEX "Notification_visitId_kind_channel_key" ON "Notification"("visitId", "kind", "channel");

-- CreateIndex
CREATE INDEX "WebhookEndpoint_organizationId_createdAt_idx" ON "WebhookEndpoint"("organizationId", "createdAt");

-- CreateIndex
CREATE INDEX "WebhookDelivery_endpointId_createdAt_idx" ON "WebhookDelivery"("endpointId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookDelivery_endpointId_eventId_key" ON "WebhookDelivery"("endpointId", "eventId");

-- CreateIndex
CREATE INDEX "WebhookAttempt_deliveryId_attemptedAt_idx" ON "WebhookAttempt"("deliveryId", "attemptedAt");

-- AddForeignKey
ALTER TABLE "WebhookDelivery" ADD CONSTRAINT "WebhookDelivery_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "WebhookEndpoint"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookAttempt" ADD CONSTRAINT "WebhookAttempt_deliveryId_fkey" FOREIGN KEY ("deliveryId") REFERENCES "WebhookDelivery"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- The outbox is written by triggers, in the transaction of every change, whatever code or
-- statement makes it (a Prisma call, a raw statement changing many rows at once): a change of
-- a visit always appends its history event, a change of a queue always updates its row.

-- What a history event is, as a live change (events/queue-event.ts QueueChangeKind).
CREATE FUNCTION "queue_change_kind"("from" "VisitStatus", "to" "VisitStatus", "action" TEXT) RETURNS TEXT
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN "action" IN ('RECALLED', 'RETURNED', 'TRANSFERRED', 'CHECKED_IN') THEN "action"
    WHEN "from" IS NULL AND "to" IN ('BOOKED', 'PENDING') THEN 'APPOINTMENT_BOOKED'
    WHEN "from" IS NULL THEN 'JOINED'
    WHEN "to" = 'CALLED' THEN 'CALLED'
    WHEN "to" = 'SERVING' THEN 'SERVING_STARTED'
    WHEN "to" = 'DONE' THEN 'COMPLETED'
    WHEN "to" = 'NO_SHOW' THEN 'NO_SHOW'
    WHEN "to" = 'CANCELLED' THEN 'CANCELLED'
    ELSE 'APPOINTMENT_CHANGED'
  END
$$;

CREATE FUNCTION "outbox_visit_event"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "OutboxEvent" ("organizationId", "queueId", "kind", "visitIds")
  VALUES (NEW."organizationId", NEW."queueId", "queue_change_kind"(NEW."fromStatus", NEW."toStatus", NEW."action"), ARRAY[NEW."visitId"]);
  -- A transfer changes two lines: the queue left sees the visit go.
  IF NEW."action" = 'TRANSFERRED' AND NEW."detail" ->> 'fromQueueId' IS NOT NULL AND (NEW."detail" ->> 'fromQueueId')::uuid <> NEW."queueId" THEN
    INSERT INTO "OutboxEvent" ("organizationId", "queueId", "kind", "visitIds")
    VALUES (NEW."organizationId", (NEW."detail" ->> 'fromQueueId')::uuid, 'TRANSFERRED', ARRAY[NEW."visitId"]);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "VisitEvent_outbox" AFTER INSERT ON "VisitEvent"
FOR EACH ROW EXECUTE FUNCTION "outbox_visit_event"();

-- A queue's own changes; not its event bookkeeping (lastEventSequence) nor updatedAt alone.
CREATE FUNCTION "outbox_queue_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "OutboxEvent" ("organizationId", "queueId", "kind", "visitIds")
  VALUES (NEW."organizationId", NEW."id",
    CASE
      WHEN OLD."status" = NEW."status" THEN 'QUEUE_UPDATED'
      WHEN NEW."status" = 'PAUSED' THEN 'QUEUE_PAUSED'
      WHEN NEW."status" = 'CLOSED' THEN 'QUEUE_CLOSED'
      WHEN OLD."status" = 'PAUSED' THEN 'QUEUE_RESUMED'
      ELSE 'QUEUE_OPENED'
    END,
    '{}');
  RETURN NULL;
END
$$;

CREATE TRIGGER "Queue_outbox" AFTER UPDATE ON "Queue"
FOR EACH ROW
WHEN ((OLD."status", OLD."name", OLD."capacity", OLD."countersOpen", OLD."ticketPrefix", OLD."serviceIds", OLD."notifyAtPosition")
      IS DISTINCT FROM (NEW."status", NEW."name", NEW."capacity", NEW."countersOpen", NEW."ticketPrefix", NEW."serviceIds", NEW."notifyAtPosition"))
EXECUTE FUNCTION "outbox_queue_change"();
