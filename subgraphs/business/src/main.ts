import './tracing';
import { startSubgraph } from '@waitlessq/subgraph-kit';
import { createBusinessSubgraph } from './index';

startSubgraph('business', { create: createBusinessSubgraph });
