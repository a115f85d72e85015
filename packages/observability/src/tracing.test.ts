import { context, propagation, trace } from '@opentelemetry/api';
import { currentTraceCarrier, parseTraceCarrier, runInTrace, tracesSampler, tracingConfigured, tracingEnabled } from './tracing';

// Tracing on is checked end to end with real processes and a real OTLP receiver
// (e2e/tracing.e2e.test.ts): starting the SDK here would patch Node's http for every suite
// jest runs in this process. These are the decisions and the off path.

describe('tracingConfigured', () => {
  it('is off with nothing configured: no SDK, no exporter', () => {
    expect(tracingConfigured({})).toBe(false);
    expect(tracingConfigured({ OTEL_SERVICE_NAME: 'gateway', OTEL_TRACES_SAMPLER: 'always_on' })).toBe(false);
  });

  it('is on once an OTLP endpoint (any or the traces one) or a traces exporter is configured', () => {
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(true);
    expect(tracingConfigured({ OTEL_TRACES_EXPORTER: 'console' })).toBe(true);
  });

  it('stays off when the SDK is disabled or the only exporter is none, whatever the endpoint', () => {
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' })).toBe(false);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: ' TRUE ' })).toBe(false);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' })).toBe(false);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'false' })).toBe(true);
  });
});

describe('parseTraceCarrier', () => {
  const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

  it('reads back a stored carrier, as JSON text or as an object, keeping string fields only', () => {
    expect(parseTraceCarrier(JSON.stringify({ traceparent, tracestate: 'a=b' }))).toEqual({ traceparent, tracestate: 'a=b' });
    expect(parseTraceCarrier({ traceparent, other: 3 })).toEqual({ traceparent });
  });

  it('answers none for what is no carrier (absent, not JSON, no traceparent)', () => {
    expect(parseTraceCarrier(undefined)).toBeUndefined();
    expect(parseTraceCarrier('not json')).toBeUndefined();
    expect(parseTraceCarrier('"a string"')).toBeUndefined();
    expect(parseTraceCarrier({ tracestate: 'a=b' })).toBeUndefined();
  });
});

describe('with tracing off', () => {
  it('stores no trace context with queued work, even inside an active span', () => {
    expect(tracingEnabled()).toBe(false);
    const remote = propagation.extract(context.active(), { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
    const span = trace.wrapSpanContext({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 });
    context.with(trace.setSpan(remote, span), () => expect(currentTraceCarrier()).toBeUndefined());
  });

  it('runs queued work as it is, its result and its failure unchanged', async () => {
    await expect(runInTrace('job x', undefined, {}, async () => 42)).resolves.toBe(42);
    const failure = new Error('handler failed');
    await expect(runInTrace('job x', { traceparent: 'x' }, {}, async () => Promise.reject(failure))).rejects.toBe(failure);
  });
});

describe('tracesSampler', () => {
  // The SDK's classes only: requiring it patches nothing (instrumentations are not created here).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { tracing } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { RECORD_AND_SAMPLED, NOT_RECORD } = tracing.SamplingDecision;
  const traceId = '0af7651916cd43dd8448eb211c80319c';
  const sampledParent = trace.setSpanContext(context.active(), { traceId, spanId: 'b7ad6b7169203331', traceFlags: 1, isRemote: true });
  const unsampledParent = trace.setSpanContext(context.active(), { traceId, spanId: 'b7ad6b7169203331', traceFlags: 0, isRemote: true });
  const decide = (env: NodeJS.ProcessEnv, parent: ReturnType<typeof context.active>, name: string) =>
    tracesSampler(tracing, env).shouldSample(parent, traceId, name, 0, {}, []).decision;

  it('samples every new trace by default and follows a caller (traceparent) either way', () => {
    expect(decide({}, context.active(), 'POST')).toBe(RECORD_AND_SAMPLED);
    expect(decide({}, sampledParent, 'POST')).toBe(RECORD_AND_SAMPLED);
    expect(decide({}, unsampledParent, 'POST')).toBe(NOT_RECORD);
  });

  it('takes the ratio of OTEL_TRACES_SAMPLER_ARG for new traces, never for a sampled caller', () => {
    const none = { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' };
    expect(decide(none, context.active(), 'POST')).toBe(NOT_RECORD);
    expect(decide(none, sampledParent, 'POST')).toBe(RECORD_AND_SAMPLED);
    expect(decide({ OTEL_TRACES_SAMPLER: 'always_off' }, sampledParent, 'POST')).toBe(NOT_RECORD);
  });

  it('never lets a Prisma span start a trace (timers poll every second), but keeps it inside one', () => {
    expect(decide({}, context.active(), 'prisma:client:operation')).toBe(NOT_RECORD);
    expect(decide({}, sampledParent, 'prisma:client:operation')).toBe(RECORD_AND_SAMPLED);
    expect(decide({}, context.active(), 'job notify-visit')).toBe(RECORD_AND_SAMPLED);
  });

  it('refuses a sampler it does not know, naming the ones it does', () => {
    expect(() => tracesSampler(tracing, { OTEL_TRACES_SAMPLER: 'sometimes' })).toThrow(/OTEL_TRACES_SAMPLER must be one of always_on, .*"sometimes"/);
  });
});
