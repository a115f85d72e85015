/**
 * How good the first estimate of a wait is on a simulated day, computed by the queue
 * subgraph's own estimate code (visits/estimates.ts: waitsInLine over the ordered line,
 * expectedMinutes, the moving average with movingAverageAlpha). No server or database.
 *
 *   npx tsx loadtests/estimates/simulate-day.ts [--days 30] [--seed 20261202] [--rate 16]
 *
 * The model (stated in RESULTS.md): one queue, 2 counters, walk-ins without a service, served
 * first come first served from 09:00; arrivals a Poisson process of 16 an hour for 8 hours;
 * service times log-normal with a mean of 6 minutes (σ of the log 0.5, so a median of 5.3).
 * Offered load 16 × 6 / 60 / 2 = 0.8 per counter. Each visit's first estimate is what
 * joinQueue computes on arrival from the line waiting then and the business's moving average
 * of service times as it stood then (updated at every completion as completeVisit does: the
 * first sample sets it, later ones move it by alpha). The average carries over from day to day
 * like ServiceTimeStat; day 1 starts with none (the 10-minute default). The actual wait is
 * from joining to being called; error = estimate - actual.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { anyService, movingAverageAlpha, waitsInLine } from '../../subgraphs/queue/src/visits/estimates';
import { createLine, type LinePlace } from '../../subgraphs/queue/src/visits/positions';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

const model = {
  counters: 2,
  arrivalsPerHour: option('rate', 16),
  openHours: 8,
  meanServiceMinutes: 6,
  serviceLogSigma: 0.5,
};

/** mulberry32: small, fast, and the same sequence everywhere for a seed. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const exponential = (random: () => number, mean: number) => -Math.log(1 - random()) * mean;
function normal(random: () => number): number {
  // Box-Muller; 1 - u keeps log away from zero.
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}
const logNormal = (random: () => number, mean: number, sigma: number) => Math.exp(Math.log(mean) - (sigma * sigma) / 2 + sigma * normal(random));

interface Visit {
  id: string;
  arrivedAt: number; // minutes after opening
  serviceMinutes: number;
  calledAt: number;
  doneAt: number;
}

/** First come first served on `counters` counters: each visit takes the counter that frees first. */
function simulateArrivals(random: () => number): Visit[] {
  const visits: Visit[] = [];
  const counterFree = Array.from({ length: model.counters }, () => 0);
  for (let t = exponential(random, 60 / model.arrivalsPerHour); t < model.openHours * 60; t += exponential(random, 60 / model.arrivalsPerHour)) {
    const serviceMinutes = logNormal(random, model.meanServiceMinutes, model.serviceLogSigma);
    const counter = counterFree.indexOf(Math.min(...counterFree));
    const calledAt = Math.max(t, counterFree[counter]);
    counterFree[counter] = calledAt + serviceMinutes;
    visits.push({ id: `v${visits.length}`, arrivedAt: t, serviceMinutes, calledAt, doneAt: calledAt + serviceMinutes });
  }
  return visits;
}

interface Sample {
  estimate: number;
  actual: number;
}

/**
 * Replays a day in time order: completions fold into the moving average (as recordServiceTime
 * does), arrivals get the estimate joinQueue would give them from the line waiting then.
 */
function estimateDay(visits: Visit[], averageSeconds: number | undefined): { samples: Sample[]; averageSeconds: number | undefined } {
  type Happening = { at: number; kind: 'done' | 'arrive'; visit: Visit };
  const happenings: Happening[] = [
    ...visits.map((visit): Happening => ({ at: visit.doneAt, kind: 'done', visit })),
    ...visits.map((visit): Happening => ({ at: visit.arrivedAt, kind: 'arrive', visit })),
  ].sort((a, b) => a.at - b.at || (a.kind === 'done' ? -1 : 1));
  const samples: Sample[] = [];
  let average = averageSeconds;
  const opening = Date.UTC(2026, 0, 15, 9);
  const place = (visit: Visit): LinePlace & { serviceId: null; expectedServiceMinutes: null } => ({
    id: visit.id,
    priority: 0,
    lineAt: new Date(opening + visit.arrivedAt * 60_000),
    ticketNumber: Number(visit.id.slice(1)) + 1,
    serviceId: null,
    expectedServiceMinutes: null,
  });
  for (const { kind, visit } of happenings) {
    if (kind === 'done') {
      const seconds = visit.serviceMinutes * 60;
      average = average === undefined ? seconds : average + movingAverageAlpha * (seconds - average);
      continue;
    }
    // Waiting when this visit arrives: arrived before it and not called yet.
    const waiting = visits.filter((other) => other.arrivedAt < visit.arrivedAt && other.calledAt > visit.arrivedAt);
    const serviceTimes = new Map(average === undefined ? [] : [[anyService, average]]);
    const line = createLine([...waiting, visit].map(place));
    const estimate = waitsInLine(line, serviceTimes, model.counters).get(visit.id)!.estimatedWaitMinutes;
    samples.push({ estimate, actual: visit.calledAt - visit.arrivedAt });
  }
  return { samples, averageSeconds: average };
}

const round = (value: number) => Math.round(value * 100) / 100;
function summarize(samples: Sample[]) {
  const errors = samples.map((sample) => sample.estimate - sample.actual);
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const sorted = errors.map(Math.abs).sort((a, b) => a - b);
  return {
    visits: samples.length,
    meanActualWaitMinutes: round(mean(samples.map((sample) => sample.actual))),
    meanEstimateMinutes: round(mean(samples.map((sample) => sample.estimate))),
    meanAbsoluteErrorMinutes: round(mean(errors.map(Math.abs))),
    biasMinutes: round(mean(errors)),
    p90AbsoluteErrorMinutes: round(sorted[Math.floor(sorted.length * 0.9)]),
    withinFiveMinutes: round(errors.filter((error) => Math.abs(error) <= 5).length / errors.length),
    // Nobody waiting, so the estimate is 0, yet both counters may be busy: where the bias comes from.
    estimateZeroShare: round(samples.filter((sample) => sample.estimate === 0).length / samples.length),
    estimateZeroMeanActualMinutes: round(mean(samples.filter((sample) => sample.estimate === 0).map((sample) => sample.actual))),
  };
}

const days = option('days', 30);
const seed = option('seed', 20261202);
const random = createRandom(seed);
let averageSeconds: number | undefined;
const perDay: Sample[][] = [];
for (let day = 0; day < days; day += 1) {
  const result = estimateDay(simulateArrivals(random), averageSeconds);
  averageSeconds = result.averageSeconds;
  perDay.push(result.samples);
}

const results = {
  command: `npx tsx loadtests/estimates/simulate-day.ts --days ${days} --seed ${seed} --rate ${model.arrivalsPerHour}`,
  model: { ...model, movingAverageAlpha, days, seed },
  firstDay: summarize(perDay[0]),
  laterDays: summarize(perDay.slice(1).flat()),
  allDays: summarize(perDay.flat()),
  movingAverageAtEndMinutes: averageSeconds === undefined ? null : round(averageSeconds / 60),
};
console.log(JSON.stringify(results, null, 2));
writeFileSync(path.join(__dirname, `results-${model.arrivalsPerHour}-per-hour.json`), `${JSON.stringify(results, null, 2)}\n`);
