import './tracing';
import { startSubgraph } from '@waitlessq/subgraph-kit';
import { createPwaSubgraph, mountPwaRoutes } from './index';

startSubgraph('pwa', { create: createPwaSubgraph, mount: (server, runtime) => mountPwaRoutes(server.app, runtime) });
