import pino from 'pino';
import { activeTraceIds, tracingEnabled } from './tracing';

export type Logger = pino.Logger;

/**
 * One structured JSON logger per service; request loggers are children with a requestId.
 * While tracing is on (tracing.ts), each line logged inside a span carries its trace_id and
 * span_id; otherwise no per-line work is added.
 */
export function createLogger(service: string, level: string): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]', '*.password', '*.refreshToken'], censor: '[redacted]' },
    ...(tracingEnabled() && { mixin: activeTraceIds }),
  });
}
