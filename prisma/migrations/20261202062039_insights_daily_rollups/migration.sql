-- CreateTable
CREATE TABLE "InsightsDailyRollup" (
    "businessId" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "queueId" UUID NOT NULL,
    "serviceId" UUID NOT NULL,
    "staffId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "joined" INTEGER NOT NULL DEFAULT 0,
    "served" INTEGER NOT NULL DEFAULT 0,
    "noShows" INTEGER NOT NULL DEFAULT 0,
    "cancelled" INTEGER NOT NULL DEFAULT 0,
    "abandoned" INTEGER NOT NULL DEFAULT 0,
    "hoursMask" INTEGER NOT NULL DEFAULT 0,
    "joinedByHour" INTEGER[],
    "waitHistogram" INTEGER[],
    "serviceHistogram" INTEGER[],
    "etaSamples" INTEGER NOT NULL DEFAULT 0,
    "etaAbsSeconds" BIGINT NOT NULL DEFAULT 0,
    "etaSignedSeconds" BIGINT NOT NULL DEFAULT 0,
    "etaLatestSamples" INTEGER NOT NULL DEFAULT 0,
    "etaLatestAbsSeconds" BIGINT NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InsightsDailyRollup_pkey" PRIMARY KEY ("businessId","day","queueId","serviceId","staffId")
);

-- Backfill: the daily rows of what is already rolled up hourly, at the four levels (real or
-- all-ones service and staff), in each queue's zone, histograms summed element-wise.
WITH "hourly" AS (
  SELECT r.*, q."timezone",
         ((r."hourStart" AT TIME ZONE 'UTC') AT TIME ZONE q."timezone") AS "localStart"
  FROM "InsightsRollup" r JOIN "Queue" q ON q."id" = r."queueId"
), "keyed" AS (
  SELECT h."businessId", h."organizationId", h."queueId",
         CASE WHEN l."byService" THEN h."serviceId" ELSE 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid END AS "serviceId",
         CASE WHEN l."byStaff" THEN h."staffId" ELSE 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid END AS "staffId",
         h."localStart"::date AS "day",
         h."joined", h."served", h."noShows", h."cancelled", h."abandoned",
         1 << floor(extract(epoch FROM h."hourStart" - ((h."localStart"::date::timestamp AT TIME ZONE h."timezone") AT TIME ZONE 'UTC')) / 3600)::int AS "hourBit",
         extract(hour FROM h."localStart")::int AS "clockHour",
         h."waitHistogram", h."serviceHistogram",
         h."etaSamples", h."etaAbsSeconds", h."etaSignedSeconds", h."etaLatestSamples", h."etaLatestAbsSeconds"
  FROM "hourly" h
  CROSS JOIN (VALUES (true, true), (true, false), (false, true), (false, false)) AS l("byService", "byStaff")
), "sums" AS (
  SELECT "businessId", "organizationId", "queueId", "serviceId", "staffId", "day",
         sum("joined")::int AS "joined", sum("served")::int AS "served", sum("noShows")::int AS "noShows",
         sum("cancelled")::int AS "cancelled", sum("abandoned")::int AS "abandoned", bit_or("hourBit") AS "hoursMask",
         ARRAY[coalesce(sum("joined") FILTER (WHERE "clockHour" = 0), 0), coalesce(sum("joined") FILTER (WHERE "clockHour" = 1), 0), coalesce(sum("joined") FILTER (WHERE "clockHour" = 2), 0), coalesce(sum("joined") FILTER (WHERE "clockHour" = 3), 0), coalesce(sum("joined") FILTER (WHERE "clockHour" = 4), 0), coalesce(sum("joined") FILTER (WHERE "clockHour" = 5), 0), coalesce(sum("joined") FILTER (WHERE "clockHour" = 6), 0), coalesce(sum("joined") FILTER (WHERE "clockHour" = 7), 0), coalesce(sum("joined") FILTER (WHERE "clockHour" = 8), 0), coalesce(sum("joined") FILTER (WHERE "clockHour" = 9), 0), coalesce(sum("joined") FILTER (WHERE "clockHour" = 10), 0), coalesce(sum("joined") FILTER (WHERE "clockHour" = 11), 0), coalesce(sum("joined") FILTER (WHERE "clockHour" = 12), 0), coalesce(sum("joined") FILTER (WHERE "clockHour" = 13), 0), coalesce(sum("joined") FILTER (WHERE "clockHour" = 14), 0), coalesce(sum("joined") FILTER (WHERE "clockHour" = 15), 0), coalesce(sum("joined") FILTER (WHERE "clockHour" = 16), 0), coalesce(sum("joined") FILTER (WHERE "clockHour" = 17), 0), coalesce(sum("joined") FILTER (WHERE "clockHour" = 18), 0), coalesce(sum("joined") FILTER (WHERE "clockHour" = 19), 0), coalesce(sum("joined") FILTER (WHERE "clockHour" = 20), 0), coalesce(sum("joined") FILTER (WHERE "clockHour" = 21), 0), coalesce(sum("joined") FILTER (WHERE "clockHour" = 22), 0), coalesce(sum("joined") FILTER (WHERE "clockHour" = 23), 0)]::int[] AS "joinedByHour",
         sum("etaSamples")::int AS "etaSamples", sum("etaAbsSeconds")::bigint AS "etaAbsSeconds",
         sum("etaSignedSeconds")::bigint AS "etaSignedSeconds", sum("etaLatestSamples")::int AS "etaLatestSamples",
         sum("etaLatestAbsSeconds")::bigint AS "etaLatestAbsSeconds"
  FROM "keyed"
  GROUP BY "businessId", "organizationId", "queueId", "serviceId", "staffId", "day"
), "waits" AS (
  SELECT "businessId", "queueId", "serviceId", "staffId", "day", array_agg("count" ORDER BY "i") AS "histogram"
  FROM (
    SELECT k."businessId", k."queueId", k."serviceId", k."staffId", k."day", m."i", sum(m."count")::int AS "count"
    FROM "keyed" k, unnest(k."waitHistogram") WITH ORDINALITY AS m("count", "i")
    GROUP BY k."businessId", k."queueId", k."serviceId", k."staffId", k."day", m."i"
  ) e
  GROUP BY "businessId", "queueId", "serviceId", "staffId", "day"
), "services" AS (
  SELECT "businessId", "queueId", "serviceId", "staffId", "day", array_agg("count" ORDER BY "i") AS "histogram"
  FROM (
    SELECT k."businessId", k."queueId", k."serviceId", k."staffId", k."day", m."i", sum(m."count")::int AS "count"
    FROM "keyed" k, unnest(k."serviceHistogram") WITH ORDINALITY AS m("count", "i")
    GROUP BY k."businessId", k."queueId", k."serviceId", k."staffId", k."day", m."i"
  ) e
  GROUP BY "businessId", "queueId", "serviceId", "staffId", "day"
)
INSERT INTO "InsightsDailyRollup" ("businessId", "organizationId", "queueId", "serviceId", "staffId", "day",
  "joined", "served", "noShows", "cancelled", "abandoned", "hoursMask", "joinedByHour", "waitHistogram", "serviceHistogram",
  "etaSamples", "etaAbsSeconds", "etaSignedSeconds", "etaLatestSamples", "etaLatestAbsSeconds", "updatedAt")
SELECT s."businessId", s."organizationId", s."queueId", s."serviceId", s."staffId", s."day",
       s."joined", s."served", s."noShows", s."cancelled", s."abandoned", s."hoursMask", s."joinedByHour",
       coalesce(w."histogram", '{}'), coalesce(v."histogram", '{}'),
       s."etaSamples", s."etaAbsSeconds", s."etaSignedSeconds", s."etaLatestSamples", s."etaLatestAbsSeconds", CURRENT_TIMESTAMP
FROM "sums" s
LEFT JOIN "waits" w USING ("businessId", "queueId", "serviceId", "staffId", "day")
LEFT JOIN "services" v USING ("businessId", "queueId", "serviceId", "staffId", "day");
