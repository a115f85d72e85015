import pino from 'pino';

export type Logger = pino.Logger;

/** One structured JSON logger per service; request loggers are children with a requestId. */
export function createLogger(service: string, level: string): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]', '*.password', '*.refreshToken'], censor: '[redacted]' },
  });
}
