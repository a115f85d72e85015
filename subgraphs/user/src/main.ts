import './tracing';
import { startSubgraph } from '@waitlessq/subgraph-kit';
import { createUserSubgraph } from './index';

startSubgraph('user', { create: createUserSubgraph });
