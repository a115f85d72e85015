// main.ts imports this first: instrumentations must hook the modules before they load (see @waitlessq/observability's tracing.ts).
import { startTracing } from '@waitlessq/observability';

startTracing('workers');
