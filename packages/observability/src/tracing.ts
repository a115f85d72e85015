import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import type { ClientRequest, IncomingMessage } from 'node:http';
// Types only (erased): the SDK itself is required by startTracing, and only when tracing is on.
import type { tracing as SdkTracing } from '@opentelemetry/sdk-node';

/**
 * OpenTelemetry tracing, configured only by the standard OTEL_* variables and off unless an
 * exporter is: without OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or
 * OTEL_TRACES_EXPORTER (or with OTEL_SDK_DISABLED=true) the SDK is not even loaded, no
 * instrumentation patches anything, and every helper below returns at its first line: the
 * global API stays the no-op one, so a request costs nothing more than before.
 *
 * startTracing must run before the modules it instruments (http, pg, ioredis, @prisma/client)
 * are required: each service's main.ts imports its `./tracing` first. The services are built
 * to CommonJS, where imports become require() calls run in source order, so a first import is
 * enough (require-in-the-middle hooks every later require) and the start commands (Dockerfile,
 * Kubernetes, compose, tests) need no `--import`/`--require` flag. fetch and undici.Pool are
 * traced through diagnostics_channel, whatever their load order.
 */

const tracerName = '@waitlessq/observability';
let enabled = false;
let sdk: { shutdown(): Promise<void> } | null = null;

/** Paths every probe and scraper calls: no trace for them. */
const unTracedPaths = new Set(['/health', '/ready', '/live', '/metrics']);

/** Whether the environment asks for traces (an exporter is configured and the SDK is not disabled). */
export function tracingConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  if ((env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase() === 'true') return false;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  if (exporters.length > 0 && exporters.every((name) => name === 'none')) return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || exporters.length > 0);
}

/** True once startTracing has started the SDK in this process. */
export function tracingEnabled(): boolean {
  return enabled;
}

/**
 * Starts the OpenTelemetry SDK for this service when the environment configures it (see
 * above); `serviceName` is the default of OTEL_SERVICE_NAME. Returns whether tracing is on.
 */
export function startTracing(serviceName: string): boolean {
  // The SDK reads process.env itself (exporter, protocol, headers, resource): so does this.
  const env = process.env;
  if (enabled || !tracingConfigured(env)) return enabled;
  // Synchronous requires on purpose: the hooks must be in place before main.ts's next import.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { NodeSDK, tracing } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { UndiciInstrumentation } = require('@opentelemetry/instrumentation-undici') as typeof import('@opentelemetry/instrumentation-undici');
  const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  const { IORedisInstrumentation } = require('@opentelemetry/instrumentation-ioredis') as typeof import('@opentelemetry/instrumentation-ioredis');
  const { PrismaInstrumentation } = require('@prisma/instrumentation') as typeof import('@prisma/instrumentation');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const started = new NodeSDK({
    // OTEL_SERVICE_NAME (read by the SDK's environment detector) wins over the default.
    serviceName: env.OTEL_SERVICE_NAME ? undefined : serviceName,
    sampler: tracesSampler(tracing, env),
    // Logs go to stdout (logger.ts), not to OTLP (the SDK's default once it starts). Metrics
    // are Prometheus's (metrics.ts): the SDK exports none unless OTEL_METRICS_EXPORTER asks.
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request: IncomingMessage) => unTracedPaths.has((request.url ?? '').split('?')[0]),
        // Outgoing calls are traced inside a request or a job, not on their own (health polls).
        requireParentforOutgoingSpans: true,
        requestHook: withoutQueryString,
      }),
      // The gateway's subgraph calls: fetch or an undici Pool, both seen on diagnostics_channel.
      new UndiciInstrumentation({ requireParentforSpans: true }),
      // SQL under a request or a job only: the relay's and the sweepers' polls would each be a trace.
      new PgInstrumentation({ requireParentSpan: true }),
      new IORedisInstrumentation({ requireParentSpan: true }),
      // Prisma's own spans: the model operation above its SQL.
      new PrismaInstrumentation(),
    ],
  });
  started.start();
  sdk = started;
  enabled = true;
  return true;
}

/**
 * A GET /graphql carries the operation's variables (names, emails, phone numbers) in its query
 * string: a request's span keeps its path only.
 */
function withoutQueryString(span: Span, request: ClientRequest | IncomingMessage): void {
  if (!('url' in request) || !request.url?.includes('?')) return;
  const path = request.url.slice(0, request.url.indexOf('?'));
  span.setAttributes({ 'http.target': path, 'http.url': `http://${request.headers.host ?? 'localhost'}${path}`, 'url.query': '[redacted]' });
}

type Tracing = typeof SdkTracing;
type Sampler = SdkTracing.Sampler;

/** The sampler of this process: the one OTEL_TRACES_SAMPLER names, except for Prisma's spans outside any trace (below). */
export function tracesSampler(tracing: Tracing, env: NodeJS.ProcessEnv): Sampler {
  return withoutPrismaRoots(tracing, samplerFromEnv(tracing, env));
}

/** The sampler OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG name, as the SDK reads them (parentbased_always_on by default). */
function samplerFromEnv(tracing: Tracing, env: NodeJS.ProcessEnv): Sampler {
  const arg = Number(env.OTEL_TRACES_SAMPLER_ARG);
  const ratio = () => new tracing.TraceIdRatioBasedSampler(env.OTEL_TRACES_SAMPLER_ARG?.trim() && arg >= 0 && arg <= 1 ? arg : 1);
  const name = (env.OTEL_TRACES_SAMPLER ?? '').trim() || 'parentbased_always_on';
  const samplers = {
    always_on: () => new tracing.AlwaysOnSampler(),
    always_off: () => new tracing.AlwaysOffSampler(),
    traceidratio: ratio,
    parentbased_always_on: () => new tracing.ParentBasedSampler({ root: new tracing.AlwaysOnSampler() }),
    parentbased_always_off: () => new tracing.ParentBasedSampler({ root: new tracing.AlwaysOffSampler() }),
    parentbased_traceidratio: () => new tracing.ParentBasedSampler({ root: ratio() }),
  } as const;
  if (!(name in samplers)) throw new Error(`OTEL_TRACES_SAMPLER must be one of ${Object.keys(samplers).join(', ')} (got "${name}")`);
  return samplers[name as keyof typeof samplers]();
}

/**
 * Prisma's spans never start a trace: the outbox sweep and the other timers query every second
 * outside any request or job, and each poll would be a trace of its own. Inside a request or a
 * job they are sampled as its other spans are.
 */
function withoutPrismaRoots(tracing: Tracing, sampler: Sampler): Sampler {
  return {
    shouldSample: (parent, traceId, name, kind, attributes, links) =>
      !trace.getSpanContext(parent) && name.startsWith('prisma:')
        ? { decision: tracing.SamplingDecision.NOT_RECORD }
        : sampler.shouldSample(parent, traceId, name, kind, attributes, links),
    toString: () => `WithoutPrismaRoots{${sampler.toString()}}`,
  };
}

/** Exports the spans still buffered and stops the SDK (a stopping service calls it last). */
export async function stopTracing(): Promise<void> {
  const running = sdk;
  sdk = null;
  enabled = false;
  await running?.shutdown();
}

/** The active span's ids for a log line, or nothing (logger.ts adds it only while tracing is on). */
export function activeTraceIds(): { trace_id: string; span_id: string } | Record<string, never> {
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}

/** W3C trace context headers (traceparent, tracestate) as stored with queued work. */
export type TraceCarrier = Record<string, string>;

/**
 * The active trace context to store with work handed to another process or to later (a job),
 * or undefined when tracing is off or no span is active (nothing is then stored).
 */
export function currentTraceCarrier(): TraceCarrier | undefined {
  if (!enabled) return undefined;
  const carrier: TraceCarrier = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ? carrier : undefined;
}

/** A carrier read back from storage (a job's metadata): only string fields are kept; anything else is none. */
export function parseTraceCarrier(stored: unknown): TraceCarrier | undefined {
  let value = stored;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (!value || typeof value !== 'object') return undefined;
  const carrier: TraceCarrier = {};
  for (const [key, field] of Object.entries(value)) if (typeof field === 'string') carrier[key] = field;
  return carrier.traceparent ? carrier : undefined;
}

/**
 * Runs queued work (a job) in a consumer span whose parent is the stored context of whoever
 * queued it, so the work continues the trace of the request that caused it (a root span when
 * nothing was stored). Without tracing it only calls `work`.
 */
export async function runInTrace<T>(name: string, carrier: TraceCarrier | undefined, attributes: Attributes, work: () => Promise<T>): Promise<T> {
  if (!enabled) return work();
  const parent = carrier ? propagation.extract(ROOT_CONTEXT, carrier) : ROOT_CONTEXT;
  return trace.getTracer(tracerName).startActiveSpan(name, { kind: SpanKind.CONSUMER, attributes }, parent, async (span) => {
    try {
      return await work();
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}
