import './tracing';
import { startSubgraph } from '@waitlessq/subgraph-kit';
import { createQueueSubgraph } from './index';

startSubgraph('queue', { create: createQueueSubgraph });
