// all-in-one.ts imports this first: instrumentations must hook the modules before they load (see
// @waitlessq/observability's tracing.ts). Every service runs in this one process, so its spans
// share one service name. Imported as a library (tests), it starts nothing unless OTEL_* asks.
import { startTracing } from '@waitlessq/observability';

startTracing('waitlessq');
